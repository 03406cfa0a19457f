package org.mnv2.model.image;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * Valid grey JPEGs of any size, written by hand so that a 20000x15000 image costs 1.2 MB to make
 * (no encoder holds the full raster): one component, 8x8 blocks, every block DC difference 0 and no
 * AC coefficient, Huffman tables with one 1-bit code each (DC category 0, EOB). Every pixel decodes
 * to 128.
 */
final class UniformJpegs {
  private UniformJpegs() {}

  /** A baseline (SOF0) grey JPEG of {@code width x height}, all pixels 128. */
  static byte[] baseline(int width, int height) {
    ByteArrayOutputStream out = header(width, height, 0xC0);
    long blocks = (long) ((width + 7) / 8) * ((height + 7) / 8);
    // 2 bits per block ("0" DC category 0, "0" EOB), padded with 1 bits to a whole byte.
    long bits = blocks * 2;
    byte[] data = new byte[(int) ((bits + 7) / 8)];
    int pad = (int) (data.length * 8L - bits);
    if (pad > 0) {
      data[data.length - 1] = (byte) ((1 << pad) - 1);
    }
    out.writeBytes(data);
    out.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xD9});
    return out.toByteArray();
  }

  /**
   * The headers of a progressive (SOF2) grey JPEG of {@code width x height} up to its first scan,
   * then the end: enough for a decoder to read the size and the frame type.
   */
  static byte[] progressiveHeader(int width, int height) {
    ByteArrayOutputStream out = header(width, height, 0xC2);
    out.writeBytes(new byte[] {0, 0, 0, 0, (byte) 0xFF, (byte) 0xD9});
    return out.toByteArray();
  }

  private static ByteArrayOutputStream header(int width, int height, int sof) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xD8});
    out.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xDB, 0, 67, 0});
    byte[] table = new byte[64];
    Arrays.fill(table, (byte) 1);
    out.writeBytes(table);
    out.writeBytes(new byte[] {(byte) 0xFF, (byte) sof, 0, 11, 8});
    out.writeBytes(
        new byte[] {(byte) (height >> 8), (byte) height, (byte) (width >> 8), (byte) width, 1});
    out.writeBytes(new byte[] {1, 0x11, 0});
    for (int tableClass : new int[] {0x00, 0x10}) { // DC table 0, AC table 0
      out.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xC4, 0, 20, (byte) tableClass, 1});
      out.writeBytes(new byte[15]); // no codes of 2..16 bits
      out.writeBytes(new byte[] {0}); // the one 1-bit code: DC category 0 / AC EOB
    }
    int se = sof == 0xC2 ? 0 : 63;
    out.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xDA, 0, 8, 1, 1, 0x00, 0, (byte) se, 0});
    return out;
  }
}
