package org.mnv2.model.image;

/**
 * A decoded image as interleaved 8-bit RGB, row-major, {@code width * height * 3} bytes.
 *
 * <p>The pixel array is not copied: images are large, live for one batch on the hot path, and have
 * exactly one owner (the decoder hands it to the preprocessor).
 */
public record RgbImage(int width, int height, byte[] pixels) {
  public RgbImage {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException(
          "image size must be positive, got " + width + "x" + height);
    }
    if (pixels.length != width * height * 3) {
      throw new IllegalArgumentException(
          "expected " + (width * height * 3) + " RGB bytes, got " + pixels.length);
    }
  }
}
