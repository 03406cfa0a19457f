package org.mnv2.model.image;

/**
 * A decoded image as interleaved 8-bit RGB, row-major, {@code width * height * 3} bytes, decoded
 * from a file of {@code sourceWidth x sourceHeight} pixels (larger when the decoder reduced it, by
 * DCT scaling or subsampling; upright, as the pixels are).
 *
 * <p>The pixel array is not copied: images are large, live for one batch on the hot path, and have
 * exactly one owner (the decoder hands it to the preprocessor).
 */
public record RgbImage(int width, int height, byte[] pixels, int sourceWidth, int sourceHeight) {
  public RgbImage {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException(
          "image size must be positive, got " + width + "x" + height);
    }
    if (pixels.length != width * height * 3) {
      throw new IllegalArgumentException(
          "expected " + (width * height * 3) + " RGB bytes, got " + pixels.length);
    }
    if (sourceWidth < width || sourceHeight < height) {
      throw new IllegalArgumentException(
          "source size "
              + sourceWidth
              + "x"
              + sourceHeight
              + " is smaller than the decoded "
              + width
              + "x"
              + height);
    }
  }

  /** An image at its file's own size. */
  public RgbImage(int width, int height, byte[] pixels) {
    this(width, height, pixels, width, height);
  }

  /** Whether the decoder reduced the image below its file's size. */
  public boolean reduced() {
    return width != sourceWidth || height != sourceHeight;
  }
}
