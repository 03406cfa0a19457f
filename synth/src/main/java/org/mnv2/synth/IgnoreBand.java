package org.mnv2.synth;

/**
 * Marks the VOC "ignore" band (label 255) along object borders, as VOC's own masks do, so that
 * segmentation metrics do not hinge on which side of an edge a pixel falls.
 *
 * <p>A pixel is in the band when the {@code (2 * HALF_WIDTH + 1)}-square window around it, clipped
 * to the image, holds more than one label: that is {@link #HALF_WIDTH} pixels on each side of every
 * border between two labels (inside and outside an object), and nothing along the image edge.
 */
final class IgnoreBand {

  /** Width of the band on each side of a border, in pixels. */
  static final int HALF_WIDTH = 2;

  /** The VOC label of band pixels. */
  static final int IGNORE = 255;

  private IgnoreBand() {}

  /**
   * Returns a copy of {@code labels} with the band set to {@link #IGNORE}.
   *
   * @param labels row-major labels (not modified)
   */
  static byte[] apply(byte[] labels, int width, int height) {
    // Separable min/max filters: a window holds more than one label iff its min differs from its
    // max, and the min (max) over a square is the min (max) over columns of row-wise minima.
    byte[] rowMin = new byte[labels.length];
    byte[] rowMax = new byte[labels.length];
    for (int y = 0; y < height; y++) {
      int row = y * width;
      for (int x = 0; x < width; x++) {
        int lo = 255;
        int hi = 0;
        for (int xx = Math.max(0, x - HALF_WIDTH); xx <= Math.min(width - 1, x + HALF_WIDTH); xx++) {
          int v = labels[row + xx] & 0xFF;
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
        rowMin[row + x] = (byte) lo;
        rowMax[row + x] = (byte) hi;
      }
    }
    byte[] out = labels.clone();
    for (int y = 0; y < height; y++) {
      int yy0 = Math.max(0, y - HALF_WIDTH);
      int yy1 = Math.min(height - 1, y + HALF_WIDTH);
      for (int x = 0; x < width; x++) {
        int lo = 255;
        int hi = 0;
        for (int yy = yy0; yy <= yy1; yy++) {
          lo = Math.min(lo, rowMin[yy * width + x] & 0xFF);
          hi = Math.max(hi, rowMax[yy * width + x] & 0xFF);
        }
        if (lo != hi) {
          out[y * width + x] = (byte) IGNORE;
        }
      }
    }
    return out;
  }
}
