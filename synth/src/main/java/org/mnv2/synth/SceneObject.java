package org.mnv2.synth;

/**
 * One object as drawn in a scene.
 *
 * @param synthClass the object's class
 * @param geometry where the shape was drawn
 * @param box the bounding box of the visible (painted) pixels, COCO {@code [x, y, w, h]}
 * @param area the number of visible (painted) pixels
 */
record SceneObject(SynthClass synthClass, ShapeGeometry geometry, PixelBox box, int area) {

  SceneObject {
    if (synthClass == null || geometry == null || box == null) {
      throw new IllegalArgumentException(
          "Cannot create scene object: missing field (expected class, geometry and box, got "
              + synthClass
              + ", "
              + geometry
              + ", "
              + box
              + ")");
    }
    if (area < 1 || area > (long) box.width() * box.height()) {
      throw new IllegalArgumentException(
          "Cannot create scene object: area does not fit its box (expected 1.."
              + ((long) box.width() * box.height())
              + ", got "
              + area
              + ")");
    }
  }
}
