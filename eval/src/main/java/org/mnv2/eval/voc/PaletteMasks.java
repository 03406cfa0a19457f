package org.mnv2.eval.voc;

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
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Reads and writes VOC-style segmentation masks: 8-bit palette PNGs whose pixel values are the
 * class indices (0 background, 1..N classes, 255 ignore) and whose palette is {@link VocPalette}.
 *
 * <p>Both directions copy the label bytes straight into or out of the raster (no per-pixel
 * objects), and both use in-memory image streams so that nothing is cached on disk. Safe to call
 * from many threads at once.
 */
public final class PaletteMasks {

  private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

  // The JDK's own PNG plug-in, preferred over any other on the classpath so that the bytes written
  // do not depend on which ImageIO plug-ins a job happens to ship.
  private static final String JDK_PNG_WRITER_SPI = "com.sun.imageio.plugins.png.PNGImageWriterSpi";

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
    if (width < 1 || height < 1) {
      throw new IllegalArgumentException(
          "Cannot encode palette PNG: size must be positive (expected width, height >= 1, got "
              + width
              + "x"
              + height
              + ")");
    }
    if (labels == null || (long) labels.length != (long) width * height) {
      throw new IllegalArgumentException(
          "Cannot encode palette PNG: label count does not match the size (expected "
              + ((long) width * height)
              + " for "
              + width
              + "x"
              + height
              + ", got "
              + (labels == null ? "null" : labels.length)
              + ")");
    }
    BufferedImage image =
        new BufferedImage(width, height, BufferedImage.TYPE_BYTE_INDEXED, VocPalette.colorModel());
    // A fresh TYPE_BYTE_INDEXED image has one band, pixel stride 1 and scanline stride = width.
    byte[] pixels = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
    System.arraycopy(labels, 0, pixels, 0, labels.length);

    ImageWriter writer = pngWriter();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(labels.length / 8 + 1024);
    try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
      writer.setOutput(out);
      writer.write(image);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot encode palette PNG: " + e.getMessage(), e);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }

  /**
   * Decodes a palette PNG into its raw pixel values (the palette indices, not the colours).
   *
   * @param png the PNG file's bytes
   * @param name the file name or URI, used in error messages
   * @throws IllegalArgumentException if the bytes are not a PNG, or the PNG is not palette-indexed
   *     (for example an RGB rendering of a mask)
   */
  public static LabelMask decode(byte[] png, String name) {
    if (png == null || png.length < PNG_SIGNATURE.length || !startsWithSignature(png)) {
      throw new IllegalArgumentException(
          "Cannot decode mask "
              + name
              + ": not a PNG file (expected the PNG signature, got "
              + (png == null ? "null" : png.length + " bytes without it")
              + ")");
    }
    BufferedImage image = read(png, name);
    if (!(image.getColorModel() instanceof IndexColorModel)
        || image.getRaster().getNumBands() != 1) {
      throw new IllegalArgumentException(
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
        throw new IllegalArgumentException(
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

  private static ImageWriter pngWriter() {
    Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("png");
    ImageWriter first = null;
    while (writers.hasNext()) {
      ImageWriter writer = writers.next();
      if (writer.getOriginatingProvider() != null
          && JDK_PNG_WRITER_SPI.equals(writer.getOriginatingProvider().getClass().getName())) {
        if (first != null) {
          first.dispose();
        }
        return writer;
      }
      if (first == null) {
        first = writer;
      } else {
        writer.dispose();
      }
    }
    if (first == null) {
      throw new IllegalStateException(
          "Cannot encode palette PNG: no ImageIO PNG writer (expected the JDK's, got none)");
    }
    return first;
  }
}
