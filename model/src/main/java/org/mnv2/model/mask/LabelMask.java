package org.mnv2.model.mask;

import java.io.Serializable;
import java.util.Arrays;

/**
 * A per-pixel label map, row-major: {@code labels[y * width + x]} is the label of pixel (x, y), an
 * unsigned byte (read it with {@link #label(int, int)} or {@code labels[i] & 0xFF}). The one mask
 * type of the pipeline: a segmentation model's prediction at the original image resolution (labels
 * are class indices) and a VOC ground-truth mask (0 is background, 1..N are classes and 255 is
 * "ignore"), both read and written as palette PNGs by {@link PaletteMasks}. The labels are copied
 * in and out: a mask is a few hundred KB at most (one byte per pixel).
 *
 * @param width width in pixels, at least 1
 * @param height height in pixels, at least 1
 * @param labels {@code width * height} labels; copied on the way in and on the way out
 */
public record LabelMask(int width, int height, byte[] labels) implements Serializable {

  /** Validates the size and copies {@code labels}. */
  public LabelMask {
    checkSize("create label mask", width, height, labels);
    labels = labels.clone();
  }

  /**
   * Fails unless {@code labels} holds {@code width * height} labels of a positive size; {@code
   * action} ("create label mask") names what was being done in the message.
   */
  static void checkSize(String action, int width, int height, byte[] labels) {
    if (width < 1 || height < 1) {
      throw new IllegalArgumentException(
          "Cannot "
              + action
              + ": size must be positive (expected width, height >= 1, got "
              + width
              + "x"
              + height
              + ")");
    }
    if (labels == null || (long) labels.length != (long) width * height) {
      throw new IllegalArgumentException(
          "Cannot "
              + action
              + ": label count does not match the size (expected "
              + ((long) width * height)
              + " for "
              + width
              + "x"
              + height
              + ", got "
              + (labels == null ? "null" : labels.length)
              + ")");
    }
  }

  /**
   * Every value a label can take (unsigned bytes): {@code classPixels(LABEL_VALUES)} counts all.
   */
  public static final int LABEL_VALUES = 256;

  /**
   * A mask of class indices 0 .. {@code classes - 1}, checked (a segmentation model's prediction).
   *
   * @throws IllegalArgumentException if a label is {@code classes} or more
   */
  public static LabelMask of(int width, int height, byte[] labels, int classes) {
    LabelMask mask = new LabelMask(width, height, labels);
    mask.classPixels(classes);
    return mask;
  }

  /**
   * Counts the pixels of each label 0 .. {@code classes - 1}; sums to {@code width * height}.
   *
   * @throws IllegalArgumentException if a label is {@code classes} or more
   */
  public long[] classPixels(int classes) {
    long[] counts = new long[classes];
    for (byte label : labels) {
      int c = label & 0xFF;
      if (c >= classes) {
        throw new IllegalArgumentException(
            "Cannot count label mask classes: label out of range (expected 0.."
                + (classes - 1)
                + ", got "
                + c
                + ")");
      }
      counts[c]++;
    }
    return counts;
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
