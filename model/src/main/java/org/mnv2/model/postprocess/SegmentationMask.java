package org.mnv2.model.postprocess;

import java.io.Serializable;
import java.util.Arrays;

/**
 * A predicted label map at the original image resolution: {@code labels[y * width + x]} is the
 * class index of pixel (x, y) as an unsigned byte, and {@code classPixels[c]} counts the pixels of
 * class c. Both arrays are copied in and out: a mask is a few hundred KB at most (one byte per
 * pixel), small next to the logits it was computed from.
 *
 * @param width original image width in pixels
 * @param height original image height in pixels
 * @param labels {@code width * height} class indices, row-major
 * @param classPixels pixel count per class index; sums to {@code width * height}
 */
public record SegmentationMask(int width, int height, byte[] labels, long[] classPixels)
    implements Serializable {

  public SegmentationMask {
    if (width < 1 || height < 1) {
      throw new IllegalArgumentException(
          "Cannot create segmentation mask: size must be positive (expected width, height >= 1,"
              + " got "
              + width
              + "x"
              + height
              + ")");
    }
    if (labels == null || (long) labels.length != (long) width * height) {
      throw new IllegalArgumentException(
          "Cannot create segmentation mask: label count does not match the size (expected "
              + ((long) width * height)
              + ", got "
              + (labels == null ? "null" : labels.length)
              + ")");
    }
    long total = 0;
    for (long n : classPixels) {
      total += n;
    }
    if (total != labels.length) {
      throw new IllegalArgumentException(
          "Cannot create segmentation mask: class pixel counts do not add up (expected "
              + labels.length
              + ", got "
              + total
              + ")");
    }
    labels = labels.clone();
    classPixels = classPixels.clone();
  }

  /** Counts the pixels of each class index in {@code labels} (indices 0 .. classes - 1). */
  public static SegmentationMask of(int width, int height, byte[] labels, int classes) {
    long[] counts = new long[classes];
    for (byte label : labels) {
      int c = label & 0xFF;
      if (c >= classes) {
        throw new IllegalArgumentException(
            "Cannot create segmentation mask: label out of range (expected 0.."
                + (classes - 1)
                + ", got "
                + c
                + ")");
      }
      counts[c]++;
    }
    return new SegmentationMask(width, height, labels, counts);
  }

  @Override
  public byte[] labels() {
    return labels.clone();
  }

  @Override
  public long[] classPixels() {
    return classPixels.clone();
  }

  /** The class index of pixel (x, y). */
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
    return o instanceof SegmentationMask other
        && width == other.width
        && height == other.height
        && Arrays.equals(labels, other.labels)
        && Arrays.equals(classPixels, other.classPixels);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * width + height) + Arrays.hashCode(labels);
  }

  @Override
  public String toString() {
    return "SegmentationMask["
        + width
        + "x"
        + height
        + ", classPixels="
        + Arrays.toString(classPixels)
        + "]";
  }
}
