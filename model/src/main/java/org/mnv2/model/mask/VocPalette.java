package org.mnv2.model.mask;

import java.awt.image.IndexColorModel;

/**
 * The standard PASCAL VOC 256-colour map used by {@code SegmentationClass} masks: entry 0 is black
 * (background), 1 is (128, 0, 0), 2 is (0, 128, 0), ..., and 255 (the "void" / ignore label) is
 * (224, 224, 192).
 *
 * <p>Colours follow the VOC development kit's {@code labelcolormap}: the bits of the class index
 * are dealt out, three at a time, to the red, green and blue channels from the most significant bit
 * down.
 */
public final class VocPalette {

  /** Number of entries in the palette: one per 8-bit label value. */
  public static final int SIZE = 256;

  private static final int[] RGB = buildRgb();

  // IndexColorModel is immutable, so one instance is shared by every thread.
  private static final IndexColorModel COLOR_MODEL = buildColorModel();

  private VocPalette() {}

  /**
   * Returns the colour of a label as {@code 0xRRGGBB}.
   *
   * @param label a label value, 0..255
   */
  public static int rgb(int label) {
    if (label < 0 || label >= SIZE) {
      throw new IllegalArgumentException(
          "Cannot look up VOC colour: label out of range (expected 0..255, got " + label + ")");
    }
    return RGB[label];
  }

  /** Returns the palette as an 8-bit, 256-entry, opaque colour model. */
  public static IndexColorModel colorModel() {
    return COLOR_MODEL;
  }

  private static int[] buildRgb() {
    int[] rgb = new int[SIZE];
    for (int i = 0; i < SIZE; i++) {
      int r = 0;
      int g = 0;
      int b = 0;
      int c = i;
      for (int j = 0; j < 8; j++) {
        r |= (c & 1) << (7 - j);
        g |= ((c >> 1) & 1) << (7 - j);
        b |= ((c >> 2) & 1) << (7 - j);
        c >>= 3;
      }
      rgb[i] = (r << 16) | (g << 8) | b;
    }
    return rgb;
  }

  private static IndexColorModel buildColorModel() {
    byte[] r = new byte[SIZE];
    byte[] g = new byte[SIZE];
    byte[] b = new byte[SIZE];
    for (int i = 0; i < SIZE; i++) {
      r[i] = (byte) (RGB[i] >> 16);
      g[i] = (byte) (RGB[i] >> 8);
      b[i] = (byte) RGB[i];
    }
    return new IndexColorModel(8, SIZE, r, g, b);
  }
}
