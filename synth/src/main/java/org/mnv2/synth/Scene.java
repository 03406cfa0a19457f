package org.mnv2.synth;

import java.util.List;

/**
 * One rendered synthetic image before encoding: its pixels, which object covers each pixel, and the
 * objects themselves. The first object is the primary one (the image's classification label).
 *
 * @param index the image index in the set (the file id is {@link #id()})
 * @param width width in pixels
 * @param height height in pixels
 * @param rgb the pixels as {@code 0xRRGGBB}, row-major; copied in and out
 * @param objectIds per pixel, 0 for background or {@code k + 1} for {@code objects.get(k)},
 *     row-major; copied in and out
 * @param objects the objects in drawing order, primary first
 */
record Scene(
    int index, int width, int height, int[] rgb, byte[] objectIds, List<SceneObject> objects) {

  Scene {
    int pixels = width * height;
    if (width < 1 || height < 1 || rgb.length != pixels || objectIds.length != pixels) {
      throw new IllegalArgumentException(
          "Cannot create scene "
              + index
              + ": pixel arrays do not match the size (expected "
              + pixels
              + " for "
              + width
              + "x"
              + height
              + ", got "
              + rgb.length
              + " colours and "
              + objectIds.length
              + " object ids)");
    }
    if (objects.isEmpty()) {
      throw new IllegalArgumentException(
          "Cannot create scene " + index + ": no objects (expected 1 or more, got 0)");
    }
    rgb = rgb.clone();
    objectIds = objectIds.clone();
    objects = List.copyOf(objects);
  }

  /** Returns the 6-digit zero-padded id used in every file name, e.g. {@code 000042}. */
  static String idOf(int index) {
    return String.format("%06d", index);
  }

  /** Returns this image's id, e.g. {@code 000042}. */
  String id() {
    return idOf(index);
  }

  @Override
  public int[] rgb() {
    return rgb.clone();
  }

  @Override
  public byte[] objectIds() {
    return objectIds.clone();
  }

  /** Returns the primary object: the first drawn, with at least twice any other's area. */
  SceneObject primary() {
    return objects.get(0);
  }

  /** Returns the VOC class label per pixel (0 background, 1..6 classes), with no ignore band. */
  byte[] classLabels() {
    byte[] vocIndexOfId = new byte[objects.size() + 1];
    for (int k = 0; k < objects.size(); k++) {
      vocIndexOfId[k + 1] = (byte) objects.get(k).synthClass().vocIndex();
    }
    byte[] labels = new byte[objectIds.length];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = vocIndexOfId[objectIds[i]];
    }
    return labels;
  }

  /** Returns the VOC segmentation labels: {@link #classLabels()} with the 255 border band. */
  byte[] vocLabels() {
    return IgnoreBand.apply(classLabels(), width, height);
  }
}
