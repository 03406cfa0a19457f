package org.mnv2.model.spec;

import java.io.Serializable;
import java.util.Arrays;
import org.mnv2.model.UsageException;

/**
 * The input contract of a model: tensor name, layout, dtype, network size and the preprocessing
 * that produces the tensor from an RGB image. Tensor value = (pixel * scale - mean[c]) / std[c],
 * channels in {@code channels} order.
 */
public record InputSpec(
    String name,
    Layout layout,
    DType dtype,
    int width,
    int height,
    ResizeMode resize,
    int resizeShorter,
    Interpolation interpolation,
    LetterboxAlign letterboxAlign,
    int letterboxPad,
    ChannelOrder channels,
    float scale,
    float[] mean,
    float[] std,
    Decode decode)
    implements Serializable {

  /** How a JPEG is decoded before the resize. */
  public enum Decode {
    /** At full size: PIL's pixels, for parity with a reference that decodes so. */
    EXACT,
    /**
     * DCT-scaled by n/8 to the smallest size that still covers the resize: faster, and bounded
     * memory for very large photos; the pixels the network sees differ slightly from a full decode.
     */
    SCALED
  }

  /** Memory order of the input tensor. */
  public enum Layout {
    NCHW,
    NHWC
  }

  /** Element type of the input tensor. */
  public enum DType {
    FLOAT32,
    UINT8
  }

  /** How an image of any size becomes width x height. */
  public enum ResizeMode {
    /** Both axes scaled independently to the network size. */
    STRETCH,
    /** Shorter side resized to {@code resizeShorter}, then a centred width x height crop. */
    CENTER_CROP,
    /** Aspect kept, scaled to fit, padded with {@code letterboxPad}. */
    LETTERBOX
  }

  /** Resampling filter. */
  public enum Interpolation {
    /** PIL / torchvision BILINEAR: triangle filter widened by the downscale factor. */
    BILINEAR_ANTIALIAS,
    /** OpenCV INTER_LINEAR style: plain 2x2 bilinear, no antialiasing. */
    BILINEAR,
    /** PIL / torchvision BICUBIC (a = -0.5), antialiased. */
    BICUBIC_ANTIALIAS,
    /** PIL LANCZOS (3 lobes), antialiased. */
    LANCZOS_ANTIALIAS
  }

  /** Where a letterboxed image sits in the padded canvas. */
  public enum LetterboxAlign {
    TOP_LEFT,
    CENTER
  }

  /** Channel order of the tensor. */
  public enum ChannelOrder {
    RGB,
    BGR
  }

  public InputSpec {
    require(name != null && !name.isBlank(), "input.name is required");
    require(width > 0 && height > 0, "input.width and input.height must be positive");
    require(mean != null && mean.length == 3, "input.mean must have 3 values");
    require(std != null && std.length == 3, "input.std must have 3 values");
    for (float s : std) {
      require(s != 0f, "input.std values must not be 0");
    }
    require(scale != 0f, "input.scale must not be 0");
    require(
        resize != ResizeMode.CENTER_CROP || resizeShorter >= Math.max(width, height),
        "input.resize_shorter must be >= the crop size for center-crop");
    require(letterboxPad >= 0 && letterboxPad <= 255, "input.letterbox_pad must be in 0..255");
    require(decode != null, "input.decode is required");
    mean = mean.clone();
    std = std.clone();
  }

  @Override
  public float[] mean() {
    return mean.clone();
  }

  @Override
  public float[] std() {
    return std.clone();
  }

  /** This input with JPEGs decoded the other way. */
  public InputSpec withDecode(Decode other) {
    return new InputSpec(
        name,
        layout,
        dtype,
        width,
        height,
        resize,
        resizeShorter,
        interpolation,
        letterboxAlign,
        letterboxPad,
        channels,
        scale,
        mean,
        std,
        other);
  }

  /** Number of tensor elements for one image. */
  public int elementsPerImage() {
    return 3 * width * height;
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new UsageException("Cannot read model spec: " + message);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof InputSpec other
        && name.equals(other.name)
        && layout == other.layout
        && dtype == other.dtype
        && width == other.width
        && height == other.height
        && resize == other.resize
        && resizeShorter == other.resizeShorter
        && interpolation == other.interpolation
        && letterboxAlign == other.letterboxAlign
        && letterboxPad == other.letterboxPad
        && channels == other.channels
        && scale == other.scale
        && Arrays.equals(mean, other.mean)
        && Arrays.equals(std, other.std)
        && decode == other.decode;
  }

  @Override
  public int hashCode() {
    return 31 * name.hashCode() + Arrays.hashCode(mean) + 7 * width + height;
  }

  @Override
  public String toString() {
    return "InputSpec[" + name + " " + layout + " " + dtype + " " + width + "x" + height + "]";
  }
}
