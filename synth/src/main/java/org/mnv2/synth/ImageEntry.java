package org.mnv2.synth;

import java.util.List;

/**
 * What the index files need to know about one written image: its size and objects (no pixels).
 *
 * @param index the image index; the COCO image id is {@code index + 1}
 * @param width width in pixels
 * @param height height in pixels
 * @param objects the objects, primary first
 */
record ImageEntry(int index, int width, int height, List<SceneObject> objects) {

  ImageEntry {
    if (objects == null || objects.isEmpty()) {
      throw new IllegalArgumentException(
          "Cannot create image entry " + index + ": no objects (expected 1 or more, got 0)");
    }
    objects = List.copyOf(objects);
  }

  static ImageEntry of(Scene scene) {
    return new ImageEntry(scene.index(), scene.width(), scene.height(), scene.objects());
  }

  String id() {
    return Scene.idOf(index);
  }

  int cocoImageId() {
    return index + 1;
  }
}
