package org.mnv2.model.image;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import org.mnv2.model.spec.InputSpec;

/**
 * Turns an {@link RgbImage} into one image's slice of the input tensor exactly as the spec says:
 * stretch, shorter-side resize + centre crop (torchvision's Resize + CenterCrop arithmetic), or
 * letterbox; then channel order, layout and (pixel * scale - mean) / std through a per-channel
 * lookup table. Thread-safe: it holds only the spec's constants.
 */
public final class Preprocessor {
  private final InputSpec spec;
  private final float[][] lut = new float[3][256];
  private final boolean antialias;
  private final Resampler.Filter filter;

  public Preprocessor(InputSpec spec) {
    this.spec = spec;
    float[] mean = spec.mean();
    float[] std = spec.std();
    for (int c = 0; c < 3; c++) {
      for (int p = 0; p < 256; p++) {
        lut[c][p] = (p * spec.scale() - mean[c]) / std[c];
      }
    }
    this.antialias = spec.interpolation() != InputSpec.Interpolation.BILINEAR;
    this.filter =
        switch (spec.interpolation()) {
          case BICUBIC_ANTIALIAS -> Resampler.Filter.BICUBIC;
          case LANCZOS_ANTIALIAS -> Resampler.Filter.LANCZOS;
          default -> Resampler.Filter.BILINEAR;
        };
  }

  /** The spec this preprocessor follows. */
  public InputSpec spec() {
    return spec;
  }

  /** A network-size RGB image plus the geometry that produced it. */
  public record Prepared(byte[] rgb, ImageGeometry geometry) {}

  /**
   * Decodes image bytes as the spec says: at full size ({@link InputSpec.Decode#EXACT}), or, for a
   * JPEG, DCT-scaled to the smallest size that still covers the resize ({@link
   * InputSpec.Decode#SCALED}).
   */
  public RgbImage decode(byte[] bytes) {
    return ImageDecoder.decode(
        bytes, spec.decode() == InputSpec.Decode.SCALED ? this::cover : null);
  }

  /**
   * The size an upright {@code w x h} image is resized to before any crop or padding: a decoded
   * image at least this large on both axes loses nothing the network sees but detail the resize
   * would average away.
   */
  ImageDecoder.Size cover(int w, int h) {
    return switch (spec.resize()) {
      case STRETCH -> new ImageDecoder.Size(spec.width(), spec.height());
      case CENTER_CROP -> shorterSideResize(w, h);
      case LETTERBOX -> letterboxResize(w, h);
    };
  }

  // torchvision Resize(int): the longer side is int(size * long / short), truncated.
  private ImageDecoder.Size shorterSideResize(int w, int h) {
    int s = spec.resizeShorter();
    return w <= h
        ? new ImageDecoder.Size(s, (int) ((long) s * h / w))
        : new ImageDecoder.Size((int) ((long) s * w / h), s);
  }

  private ImageDecoder.Size letterboxResize(int w, int h) {
    double r = letterboxRatio(w, h);
    return new ImageDecoder.Size(
        Math.max(1, Math.min(spec.width(), (int) (w * r))),
        Math.max(1, Math.min(spec.height(), (int) (h * r))));
  }

  private double letterboxRatio(int w, int h) {
    return Math.min((double) spec.width() / w, (double) spec.height() / h);
  }

  /**
   * Resizes (and crops or pads) {@code image} to the network size. The arithmetic follows the
   * file's full size ({@link RgbImage#sourceWidth()}), so a DCT-scaled image gives the same
   * geometry and the same output size as the full one; the pixels are resampled from what was
   * decoded.
   */
  public Prepared prepare(RgbImage image) {
    int w = image.sourceWidth();
    int h = image.sourceHeight();
    int dw = image.width();
    int dh = image.height();
    int nw = spec.width();
    int nh = spec.height();
    switch (spec.resize()) {
      case STRETCH -> {
        byte[] rgb =
            Resampler.resize(image.pixels(), dw, dh, nw, nh, 0, 0, nw, nh, filter, antialias);
        return new Prepared(rgb, new ImageGeometry(w, h, (double) nw / w, (double) nh / h, 0, 0));
      }
      case CENTER_CROP -> {
        ImageDecoder.Size resized = shorterSideResize(w, h);
        int rw = resized.width();
        int rh = resized.height();
        // torchvision CenterCrop: int(round((size - crop) / 2.0)), Python's half-to-even round.
        int left = (int) Math.rint((rw - nw) / 2.0);
        int top = (int) Math.rint((rh - nh) / 2.0);
        byte[] rgb =
            Resampler.resize(image.pixels(), dw, dh, rw, rh, left, top, nw, nh, filter, antialias);
        return new Prepared(
            rgb, new ImageGeometry(w, h, (double) rw / w, (double) rh / h, -left, -top));
      }
      case LETTERBOX -> {
        double r = letterboxRatio(w, h);
        ImageDecoder.Size size = letterboxResize(w, h);
        int rw = size.width();
        int rh = size.height();
        int left = 0;
        int top = 0;
        if (spec.letterboxAlign() == InputSpec.LetterboxAlign.CENTER) {
          left = (nw - rw) / 2;
          top = (nh - rh) / 2;
        }
        byte[] rgb = new byte[nw * nh * 3];
        java.util.Arrays.fill(rgb, (byte) spec.letterboxPad());
        // Resized straight into the padded canvas, row y at (left, top + y).
        Resampler.resizeInto(
            image.pixels(),
            dw,
            dh,
            rw,
            rh,
            0,
            0,
            rw,
            rh,
            filter,
            antialias,
            rgb,
            (top * nw + left) * 3,
            nw * 3);
        return new Prepared(rgb, new ImageGeometry(w, h, r, r, left, top));
      }
      default -> throw new IllegalStateException("unknown resize mode " + spec.resize());
    }
  }

  /**
   * Writes a prepared image as float32 tensor values at image slot {@code index} of {@code out}.
   */
  public void writeFloats(byte[] rgb, FloatBuffer out, int index) {
    int hw = spec.width() * spec.height();
    int base = index * hw * 3;
    boolean bgr = spec.channels() == InputSpec.ChannelOrder.BGR;
    float[] l0 = lut[0];
    float[] l1 = lut[1];
    float[] l2 = lut[2];
    if (spec.layout() == InputSpec.Layout.NCHW) {
      for (int i = 0, s = 0; i < hw; i++, s += 3) {
        int first = rgb[bgr ? s + 2 : s] & 0xFF;
        int second = rgb[s + 1] & 0xFF;
        int third = rgb[bgr ? s : s + 2] & 0xFF;
        out.put(base + i, l0[first]);
        out.put(base + hw + i, l1[second]);
        out.put(base + 2 * hw + i, l2[third]);
      }
    } else {
      for (int i = 0, s = 0; i < hw; i++, s += 3) {
        int first = rgb[bgr ? s + 2 : s] & 0xFF;
        int second = rgb[s + 1] & 0xFF;
        int third = rgb[bgr ? s : s + 2] & 0xFF;
        int o = base + i * 3;
        out.put(o, l0[first]);
        out.put(o + 1, l1[second]);
        out.put(o + 2, l2[third]);
      }
    }
  }

  /** Writes a prepared image as uint8 tensor values at image slot {@code index} of {@code out}. */
  public void writeBytes(byte[] rgb, ByteBuffer out, int index) {
    int hw = spec.width() * spec.height();
    int base = index * hw * 3;
    boolean bgr = spec.channels() == InputSpec.ChannelOrder.BGR;
    for (int i = 0, s = 0; i < hw; i++, s += 3) {
      byte first = rgb[bgr ? s + 2 : s];
      byte second = rgb[s + 1];
      byte third = rgb[bgr ? s : s + 2];
      if (spec.layout() == InputSpec.Layout.NCHW) {
        out.put(base + i, first);
        out.put(base + hw + i, second);
        out.put(base + 2 * hw + i, third);
      } else {
        out.put(base + i * 3, first);
        out.put(base + i * 3 + 1, second);
        out.put(base + i * 3 + 2, third);
      }
    }
  }
}
