package org.mnv2.model.mask;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Reads and writes VOC-style segmentation masks: 8-bit palette PNGs whose pixel values are the
 * class indices (0 background, 1..N classes, 255 ignore) and whose palette is {@link VocPalette}.
 *
 * <p>Writing emits the PNG chunks directly (IHDR, the 256-entry palette, the deflated rows, IEND):
 * every segmentation prediction is encoded, and ImageIO's PNG writer took about ten times as long
 * on a 640x480 mask. The bytes depend only on the labels and the JDK's zlib. Reading goes through
 * ImageIO (any palette PNG, including 1-, 2- and 4-bit ones) with an in-memory stream, and copies
 * the label bytes straight out of the raster (no per-pixel objects). Safe to call from many threads
 * at once.
 */
public final class PaletteMasks {

  private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

  private static final byte[] PALETTE = palette();

  // Level 3: on 200 synthetic VOC masks, files within 2% of the size ImageIO's writer made, at
  // about
  // 1.5 ms per 640x480 mask against about 10 (level 6: 25% smaller files, twice the time of 3).
  private static final int DEFLATE_LEVEL = 3;

  private PaletteMasks() {}

  /**
   * Encodes labels as an 8-bit palette PNG with the VOC colour map.
   *
   * @param labels {@code width * height} labels, row-major (not modified)
   * @param width width in pixels
   * @param height height in pixels
   * @return the PNG file's bytes
   */
  public static byte[] encodePng(byte[] labels, int width, int height) {
    LabelMask.checkSize("encode palette PNG", width, height, labels);
    ByteArrayOutputStream out = new ByteArrayOutputStream(labels.length / 16 + 1024);
    out.writeBytes(PNG_SIGNATURE);
    ByteBuffer header = ByteBuffer.allocate(13);
    // 8-bit samples, colour type 3 (palette), deflate, adaptive filtering, no interlace.
    header.putInt(width).putInt(height).put((byte) 8).put((byte) 3).put((byte) 0).put((byte) 0);
    header.put((byte) 0);
    chunk(out, "IHDR", header.array());
    chunk(out, "PLTE", PALETTE);
    chunk(out, "IDAT", compressedRows(labels, width, height));
    chunk(out, "IEND", new byte[0]);
    return out.toByteArray();
  }

  /**
   * The zlib stream of the scanlines, each with filter type 0 (none). Label maps are long runs of
   * one value, which deflate's back-references already shrink to a few KB; PNG's per-row filter
   * search (the JDK writer tries all five filters on every row) would cost about ten times the
   * deflate itself for no gain on such data.
   */
  private static byte[] compressedRows(byte[] labels, int width, int height) {
    Deflater deflater = new Deflater(DEFLATE_LEVEL);
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream(labels.length / 32 + 64);
      byte[] buffer = new byte[64 * 1024];
      byte[] filter = {0};
      for (int y = 0; y < height; y++) {
        deflater.setInput(filter);
        drain(deflater, buffer, out);
        deflater.setInput(labels, y * width, width);
        drain(deflater, buffer, out);
      }
      deflater.finish();
      while (!deflater.finished()) {
        out.write(buffer, 0, deflater.deflate(buffer));
      }
      return out.toByteArray();
    } finally {
      deflater.end();
    }
  }

  private static void drain(Deflater deflater, byte[] buffer, ByteArrayOutputStream out) {
    while (!deflater.needsInput()) {
      out.write(buffer, 0, deflater.deflate(buffer));
    }
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
    byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
    CRC32 crc = new CRC32();
    crc.update(typeBytes);
    crc.update(data);
    out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
    out.writeBytes(typeBytes);
    out.writeBytes(data);
    out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }

  private static byte[] palette() {
    byte[] rgb = new byte[VocPalette.SIZE * 3];
    for (int i = 0; i < VocPalette.SIZE; i++) {
      int c = VocPalette.rgb(i);
      rgb[3 * i] = (byte) (c >> 16);
      rgb[3 * i + 1] = (byte) (c >> 8);
      rgb[3 * i + 2] = (byte) c;
    }
    return rgb;
  }

  /**
   * Decodes a palette PNG into its raw pixel values (the palette indices, not the colours).
   *
   * @param png the PNG file's bytes
   * @param name the file name or URI, used in error messages
   * @throws MaskFormatException if the bytes are not a PNG, or the PNG is not palette-indexed (for
   *     example an RGB rendering of a mask)
   */
  public static LabelMask decode(byte[] png, String name) {
    if (png == null || png.length < PNG_SIGNATURE.length || !startsWithSignature(png)) {
      throw new MaskFormatException(
          "Cannot decode mask "
              + name
              + ": not a PNG file (expected the PNG signature, got "
              + (png == null ? "null" : png.length + " bytes without it")
              + ")");
    }
    BufferedImage image = read(png, name);
    if (!(image.getColorModel() instanceof IndexColorModel)
        || image.getRaster().getNumBands() != 1) {
      throw new MaskFormatException(
          "Cannot decode mask "
              + name
              + ": not a palette PNG (expected an indexed-colour PNG whose pixels are class indices,"
              + " got "
              + describe(image)
              + ")");
    }
    return new LabelMask(image.getWidth(), image.getHeight(), labels(image.getRaster()));
  }

  private static BufferedImage read(byte[] png, String name) {
    ImageReader reader = null;
    try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(png))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw new MaskFormatException(
            "Cannot decode mask " + name + ": no ImageIO reader accepts it (expected a PNG)");
      }
      reader = readers.next();
      reader.setInput(in, true, true);
      return reader.read(0);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot decode mask " + name + ": " + e.getMessage(), e);
    } finally {
      if (reader != null) {
        reader.dispose();
      }
    }
  }

  private static byte[] labels(Raster raster) {
    int width = raster.getWidth();
    int height = raster.getHeight();
    byte[] labels = new byte[width * height];
    // Fast path: the 8-bit palette PNGs this class writes, one byte per pixel with no padding.
    if (raster.getDataBuffer() instanceof DataBufferByte buffer
        && raster.getSampleModel() instanceof ComponentSampleModel model
        && model.getPixelStride() == 1
        && model.getScanlineStride() == width
        && raster.getSampleModelTranslateX() == 0
        && raster.getSampleModelTranslateY() == 0
        && buffer.getNumBanks() == 1
        && buffer.getOffset() == 0
        && model.getBandOffsets()[0] == 0
        && buffer.getData().length >= labels.length) {
      System.arraycopy(buffer.getData(), 0, labels, 0, labels.length);
      return labels;
    }
    // 1-, 2- or 4-bit palettes are packed several pixels to a byte: unpack one row at a time.
    int[] row = new int[width];
    for (int y = 0; y < height; y++) {
      raster.getSamples(0, y, width, 1, 0, row);
      for (int x = 0; x < width; x++) {
        labels[y * width + x] = (byte) row[x];
      }
    }
    return labels;
  }

  private static String describe(BufferedImage image) {
    int bands = image.getRaster().getNumBands();
    String kind =
        switch (image.getColorModel().getColorSpace().getType()) {
          case ColorSpace.TYPE_RGB -> "RGB";
          case ColorSpace.TYPE_GRAY -> "greyscale";
          default -> "colour space type " + image.getColorModel().getColorSpace().getType();
        };
    String alpha = image.getColorModel().hasAlpha() ? " with alpha" : "";
    int bits = DataBuffer.getDataTypeSize(image.getRaster().getDataBuffer().getDataType());
    return kind + alpha + ", " + bands + " band(s) of " + bits + "-bit samples";
  }

  private static boolean startsWithSignature(byte[] bytes) {
    for (int i = 0; i < PNG_SIGNATURE.length; i++) {
      if (bytes[i] != PNG_SIGNATURE[i]) {
        return false;
      }
    }
    return true;
  }
}
