package org.mnv2.model.image;

/**
 * Bilinear resizing of interleaved RGB bytes, bit-exact with PIL's {@code Image.resize(size,
 * BILINEAR)} (Pillow's ImagingResample: a triangle kernel whose support widens by the downscale
 * factor, separable, horizontal pass first, 22-bit fixed-point weights, rounding to 8 bits after
 * each pass). torchvision's PIL transforms use exactly this, so Java and the training framework see
 * the same pixels. With {@code antialias = false} the support stays at one input pixel (plain
 * bilinear, as OpenCV's INTER_LINEAR).
 *
 * <p>Only the requested window of the resized image is computed, so resize-then-crop costs what the
 * crop needs.
 */
public final class Resampler {
  private static final int PRECISION_BITS = 32 - 8 - 2;

  private Resampler() {}

  /**
   * Resizes {@code src} ({@code sw x sh}) to {@code dw x dh} and returns the window starting at
   * ({@code x0}, {@code y0}) of size {@code cw x ch} of that resized image.
   */
  public static byte[] resize(
      byte[] src,
      int sw,
      int sh,
      int dw,
      int dh,
      int x0,
      int y0,
      int cw,
      int ch,
      boolean antialias) {
    return resize(src, sw, sh, dw, dh, x0, y0, cw, ch, Filter.BILINEAR, antialias);
  }

  /** Pillow's resampling filters: kernel and support (in input pixels at scale 1). */
  public enum Filter {
    BILINEAR(1.0),
    BICUBIC(2.0),
    LANCZOS(3.0);

    final double support;

    Filter(double support) {
      this.support = support;
    }

    double weight(double x) {
      switch (this) {
        case BILINEAR:
          {
            double a = Math.abs(x);
            return a < 1.0 ? 1.0 - a : 0.0;
          }
        case BICUBIC:
          {
            // Pillow's bicubic, a = -0.5
            double a = -0.5;
            double v = Math.abs(x);
            if (v < 1.0) {
              return ((a + 2.0) * v - (a + 3.0)) * v * v + 1;
            }
            if (v < 2.0) {
              return (((v - 5) * v + 8) * v - 4) * a;
            }
            return 0.0;
          }
        default:
          {
            if (-3.0 <= x && x < 3.0) {
              return sinc(x) * sinc(x / 3.0);
            }
            return 0.0;
          }
      }
    }

    private static double sinc(double x) {
      if (x == 0.0) {
        return 1.0;
      }
      x = x * Math.PI;
      return Math.sin(x) / x;
    }
  }

  /** As above with any of Pillow's filters. */
  public static byte[] resize(
      byte[] src,
      int sw,
      int sh,
      int dw,
      int dh,
      int x0,
      int y0,
      int cw,
      int ch,
      Filter filter,
      boolean antialias) {
    byte[] out = new byte[cw * ch * 3];
    resizeInto(src, sw, sh, dw, dh, x0, y0, cw, ch, filter, antialias, out, 0, cw * 3);
    return out;
  }

  /**
   * As {@link #resize(byte[], int, int, int, int, int, int, int, int, Filter, boolean)}, writing
   * row y of the window at {@code out[offset + y * stride]} (e.g. straight into a padded canvas).
   */
  static void resizeInto(
      byte[] src,
      int sw,
      int sh,
      int dw,
      int dh,
      int x0,
      int y0,
      int cw,
      int ch,
      Filter filter,
      boolean antialias,
      byte[] out,
      int offset,
      int stride) {
    if (x0 < 0 || y0 < 0 || x0 + cw > dw || y0 + ch > dh) {
      throw new IllegalArgumentException(
          "window " + cw + "x" + ch + "+" + x0 + "+" + y0 + " outside " + dw + "x" + dh);
    }
    Scratch scratch = SCRATCH.get();
    Coefficients horizontal = scratch.coefficients(sw, dw, x0, cw, filter, antialias);
    Coefficients vertical = scratch.coefficients(sh, dh, y0, ch, filter, antialias);
    // Rows of the source that the vertical pass reads.
    int firstRow = vertical.bounds[0];
    int lastRow = vertical.bounds[(ch - 1) * 2] + vertical.bounds[(ch - 1) * 2 + 1];
    for (int y = 0; y < ch; y++) {
      firstRow = Math.min(firstRow, vertical.bounds[y * 2]);
      lastRow = Math.max(lastRow, vertical.bounds[y * 2] + vertical.bounds[y * 2 + 1]);
    }
    int rows = lastRow - firstRow;
    byte[] tmp = scratch.tmp(rows * cw * 3);
    horizontalPass(src, sw, firstRow, rows, horizontal, cw, tmp);
    verticalPass(tmp, cw, firstRow, vertical, ch, scratch.acc(cw * 3), out, offset, stride);
  }

  private static void horizontalPass(
      byte[] src, int sw, int firstRow, int rows, Coefficients k, int outW, byte[] out) {
    int ksize = k.ksize;
    for (int yy = 0; yy < rows; yy++) {
      int rowBase = (firstRow + yy) * sw * 3;
      int outBase = yy * outW * 3;
      for (int xx = 0; xx < outW; xx++) {
        int xmin = k.bounds[xx * 2];
        int xcount = k.bounds[xx * 2 + 1];
        int kBase = xx * ksize;
        int r = 1 << (PRECISION_BITS - 1);
        int g = r;
        int b = r;
        int s = rowBase + xmin * 3;
        for (int x = 0; x < xcount; x++, s += 3) {
          int w = k.weights[kBase + x];
          r += (src[s] & 0xFF) * w;
          g += (src[s + 1] & 0xFF) * w;
          b += (src[s + 2] & 0xFF) * w;
        }
        int o = outBase + xx * 3;
        out[o] = clip8(r);
        out[o + 1] = clip8(g);
        out[o + 2] = clip8(b);
      }
    }
  }

  private static void verticalPass(
      byte[] tmp,
      int w,
      int firstRow,
      Coefficients k,
      int outH,
      int[] acc,
      byte[] out,
      int outOffset,
      int outStride) {
    int ksize = k.ksize;
    int stride = w * 3;
    // Row by row, so every tap streams one contiguous row (the JIT vectorises the inner loop).
    for (int yy = 0; yy < outH; yy++) {
      int ymin = k.bounds[yy * 2] - firstRow;
      int ycount = k.bounds[yy * 2 + 1];
      int kBase = yy * ksize;
      java.util.Arrays.fill(acc, 0, stride, 1 << (PRECISION_BITS - 1));
      for (int y = 0; y < ycount; y++) {
        int weight = k.weights[kBase + y];
        int rowBase = (ymin + y) * stride;
        for (int i = 0; i < stride; i++) {
          acc[i] += (tmp[rowBase + i] & 0xFF) * weight;
        }
      }
      int outBase = outOffset + yy * outStride;
      for (int i = 0; i < stride; i++) {
        out[outBase + i] = clip8(acc[i]);
      }
    }
  }

  private static byte clip8(int value) {
    int v = value >> PRECISION_BITS;
    return (byte) (v < 0 ? 0 : Math.min(v, 255));
  }

  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  /**
   * One thread's reusable state: the coefficients of the last few (size, window, filter) axes, and
   * the intermediate rows of the horizontal pass. Photos of a dataset mostly share a few sizes, so
   * in steady state a resize allocates only its output (which the caller keeps). Nothing here
   * leaves {@link #resizeInto}: the output never aliases it. Buffers above {@link #RETAINED_BYTES}
   * are used once and dropped, so a rare huge image does not pin its scratch to a pooled thread.
   */
  private static final class Scratch {
    static final int CACHED_AXES = 8;
    static final int RETAINED_BYTES = 8 << 20;
    private final Coefficients[] axes = new Coefficients[CACHED_AXES];
    private int next;
    private byte[] tmp = new byte[0];
    private int[] acc = new int[0];

    Coefficients coefficients(
        int inSize, int outSize, int from, int n, Filter filter, boolean antialias) {
      for (Coefficients c : axes) {
        if (c != null && c.isFor(inSize, outSize, from, n, filter, antialias)) {
          return c;
        }
      }
      Coefficients c = Coefficients.of(inSize, outSize, from, n, filter, antialias);
      axes[next] = c;
      next = (next + 1) % CACHED_AXES;
      return c;
    }

    byte[] tmp(int size) {
      if (size <= tmp.length) {
        return tmp;
      }
      byte[] fresh = new byte[size];
      if (size <= RETAINED_BYTES) {
        tmp = fresh;
      }
      return fresh;
    }

    int[] acc(int size) {
      if (size > acc.length) {
        acc = new int[size];
      }
      return acc;
    }
  }

  /** Pillow's precompute_coeffs + normalize_coeffs_8bpc for output positions [from, from+n). */
  private static final class Coefficients {
    final int ksize;
    final int[] bounds;
    final int[] weights;
    // What they were computed for.
    private final int inSize;
    private final int outSize;
    private final int from;
    private final int n;
    private final Filter filter;
    private final boolean antialias;

    private Coefficients(
        int ksize,
        int[] bounds,
        int[] weights,
        int inSize,
        int outSize,
        int from,
        int n,
        Filter filter,
        boolean antialias) {
      this.ksize = ksize;
      this.bounds = bounds;
      this.weights = weights;
      this.inSize = inSize;
      this.outSize = outSize;
      this.from = from;
      this.n = n;
      this.filter = filter;
      this.antialias = antialias;
    }

    boolean isFor(int inSize, int outSize, int from, int n, Filter filter, boolean antialias) {
      return this.inSize == inSize
          && this.outSize == outSize
          && this.from == from
          && this.n == n
          && this.filter == filter
          && this.antialias == antialias;
    }

    static Coefficients of(
        int inSize, int outSize, int from, int n, Filter filter, boolean antialias) {
      double scale = (double) inSize / outSize;
      double filterScale = antialias ? Math.max(scale, 1.0) : 1.0;
      double support = filter.support * filterScale;
      int ksize = (int) Math.ceil(support) * 2 + 1;
      int[] bounds = new int[n * 2];
      int[] weights = new int[n * ksize];
      double[] k = new double[ksize];
      for (int i = 0; i < n; i++) {
        int xx = from + i;
        double center = (xx + 0.5) * scale;
        double ss = 1.0 / filterScale;
        int xmin = (int) (center - support + 0.5);
        if (xmin < 0) {
          xmin = 0;
        }
        int xmax = (int) (center + support + 0.5);
        if (xmax > inSize) {
          xmax = inSize;
        }
        xmax -= xmin;
        double ww = 0.0;
        for (int x = 0; x < xmax; x++) {
          double w = filter.weight((x + xmin - center + 0.5) * ss);
          k[x] = w;
          ww += w;
        }
        for (int x = 0; x < xmax; x++) {
          double w = ww != 0.0 ? k[x] / ww : k[x];
          weights[i * ksize + x] =
              (int) (w < 0 ? -0.5 + w * (1 << PRECISION_BITS) : 0.5 + w * (1 << PRECISION_BITS));
        }
        bounds[i * 2] = xmin;
        bounds[i * 2 + 1] = xmax;
      }
      return new Coefficients(ksize, bounds, weights, inSize, outSize, from, n, filter, antialias);
    }
  }
}
