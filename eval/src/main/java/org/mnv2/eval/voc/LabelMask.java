package org.mnv2.eval.voc;

import java.util.Arrays;

/**
 * A per-pixel label map, row-major: {@code labels[y * width + x]} is the label of pixel (x, y), an
 * unsigned byte (read it with {@link #label(int, int)} or {@code labels[i] & 0xFF}). For VOC
 * segmentation, 0 is background, 1..N are classes and 255 is "ignore".
 *
 * @param width width in pixels, at least 1
 * @param height height in pixels, at least 1
 * @param labels {@code width * height} labels; copied on the way in and on the way out
 */
public record LabelMask(int width, int height, byte[] labels) {

  /** Validates the size and copies {@code labels}. */
  public LabelMask {
    if (width < 1 || height < 1) {
      throw new IllegalArgumentException(
          "Cannot create label mask: size must be positive (expected width, height >= 1, got "
              + width
              + "x"
              + height
              + ")");
    }
    if (labels == null || (long) labels.length != (long) width * height) {
      throw new IllegalArgumentException(
          "Cannot create label mask: label count does not match the size (expected "
              + ((long) width * height)
              + " for "
              + width
              + "x"
              + height
              + ", got "
              + (labels == null ? "null" : labels.length)
              + ")");
    }
    labels = labels.clone();
  }

  /** Returns a copy of the labels, row-major. */
  @Override
  public byte[] labels() {
    return labels.clone();
  }

  /** Returns the label of pixel (x, y), 0..255. */
  public int label(int x, int y) {
    if (x < 0 || x >= width || y < 0 || y >= height) {
      throw new IndexOutOfBoundsException(
          "Cannot read label: pixel outside the mask (expected 0 <= x < "
              + width
              + ", 0 <= y < "
              + height
              + ", got ("
              + x
              + ", "
              + y
              + "))");
    }
    return labels[y * width + x] & 0xFF;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LabelMask other
        && width == other.width
        && height == other.height
        && Arrays.equals(labels, other.labels);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * width + height) + Arrays.hashCode(labels);
  }

  @Override
  public String toString() {
    return "LabelMask[" + width + "x" + height + "]";
  }
}
