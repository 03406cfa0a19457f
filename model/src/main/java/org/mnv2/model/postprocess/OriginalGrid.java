package org.mnv2.model.postprocess;

import org.mnv2.model.image.ImageGeometry;

/**
 * Where each original-image pixel falls on a model output grid of {@code outWidth x outHeight}
 * cells that covers the network input ({@code networkWidth x networkHeight}): the inverse of the
 * preprocessing's resize, crop or letterbox, per axis, as index tables (no per-pixel objects).
 *
 * <p>Nearest: {@code src = floor(x * s + o)}, where {@code s} and {@code o} are the geometry's
 * scale and offset times {@code out / network} (for a stretch to an output as large as the network
 * input this is the spec's {@code src = floor(dst * in / out)}). Bilinear: pixel centres, {@code u
 * = (x + 0.5) * s + o - 0.5}, clamped to the grid (PyTorch's {@code align_corners=False}). Original
 * pixels the network never saw (cut off by a centre crop) take the nearest edge of the grid.
 */
final class OriginalGrid {
  /**
   * Added before flooring. The exact value of {@code x * s + o} is a ratio of integer image sizes,
   * so when it is not an integer it lies at least 1 / (original size * output size) below the next
   * one (far above 1e-9 for any real image); the epsilon only absorbs double rounding that would
   * turn an exact integer such as 75 * 256 / 300 = 64 into 63.999...
   */
  private static final double EPSILON = 1e-9;

  private final ImageGeometry geometry;
  private final int outWidth;
  private final int outHeight;
  private final double sx;
  private final double ox;
  private final double sy;
  private final double oy;

  OriginalGrid(
      ImageGeometry geometry, int networkWidth, int networkHeight, int outWidth, int outHeight) {
    this.geometry = geometry;
    this.outWidth = outWidth;
    this.outHeight = outHeight;
    double kx = (double) outWidth / networkWidth;
    double ky = (double) outHeight / networkHeight;
    this.sx = geometry.scaleX() * kx;
    this.ox = geometry.offsetX() * kx;
    this.sy = geometry.scaleY() * ky;
    this.oy = geometry.offsetY() * ky;
  }

  int width() {
    return geometry.originalWidth();
  }

  int height() {
    return geometry.originalHeight();
  }

  /** For each original column, the output-grid column it takes its label from. */
  int[] nearestColumns() {
    return nearest(geometry.originalWidth(), sx, ox, outWidth);
  }

  /** For each original row, the output-grid row it takes its label from. */
  int[] nearestRows() {
    return nearest(geometry.originalHeight(), sy, oy, outHeight);
  }

  /** Bilinear sampling positions of the original columns. */
  Axis bilinearColumns() {
    return bilinear(geometry.originalWidth(), sx, ox, outWidth);
  }

  /** Bilinear sampling positions of the original rows. */
  Axis bilinearRows() {
    return bilinear(geometry.originalHeight(), sy, oy, outHeight);
  }

  /**
   * Per original pixel along one axis: the two grid cells to blend and the weight of the second.
   */
  record Axis(int[] first, int[] second, float[] weight) {}

  private static int[] nearest(int size, double scale, double offset, int out) {
    int[] src = new int[size];
    for (int x = 0; x < size; x++) {
      int s = (int) Math.floor(x * scale + offset + EPSILON);
      src[x] = Math.max(0, Math.min(out - 1, s));
    }
    return src;
  }

  private static Axis bilinear(int size, double scale, double offset, int out) {
    int[] first = new int[size];
    int[] second = new int[size];
    float[] weight = new float[size];
    for (int x = 0; x < size; x++) {
      double u = (x + 0.5) * scale + offset - 0.5;
      u = Math.max(0, Math.min(out - 1, u));
      int i0 = (int) Math.floor(u);
      first[x] = i0;
      second[x] = Math.min(i0 + 1, out - 1);
      weight[x] = (float) (u - i0);
    }
    return new Axis(first, second, weight);
  }
}
