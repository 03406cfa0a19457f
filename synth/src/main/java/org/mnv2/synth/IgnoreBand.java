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
    // A window holds two labels iff it holds two 4-adjacent pixels with different labels (walk
    // from one label to the other inside the window). So instead of filtering every pixel, find
    // the few differing adjacent pairs and mark every window that contains both pixels of a pair:
    // the pixels within HALF_WIDTH of both, a (2 * HALF_WIDTH) x (2 * HALF_WIDTH + 1) rectangle.
    byte[] out = labels.clone();
    for (int y = 0; y < height; y++) {
      int row = y * width;
      for (int x = 0; x < width; x++) {
        byte label = labels[row + x];
        if (x + 1 < width && labels[row + x + 1] != label) {
          mark(
              out,
              width,
              height,
              x + 1 - HALF_WIDTH,
              y - HALF_WIDTH,
              x + HALF_WIDTH,
              y + HALF_WIDTH);
        }
        if (y + 1 < height && labels[row + width + x] != label) {
          mark(
              out,
              width,
              height,
              x - HALF_WIDTH,
              y + 1 - HALF_WIDTH,
              x + HALF_WIDTH,
              y + HALF_WIDTH);
        }
      }
    }
    return out;
  }

  /** Sets {@code [x0, x1] x [y0, y1]}, clipped to the image, to {@link #IGNORE}. */
  private static void mark(byte[] out, int width, int height, int x0, int y0, int x1, int y1) {
    int left = Math.max(0, x0);
    int right = Math.min(width - 1, x1);
    for (int y = Math.max(0, y0); y <= Math.min(height - 1, y1); y++) {
      int row = y * width;
      for (int x = left; x <= right; x++) {
        out[row + x] = (byte) IGNORE;
      }
    }
  }
}
