package org.mnv2.model.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes image bytes into upright 8-bit RGB: baseline and progressive JPEG (through {@link
 * TurboJpeg} when the node has libjpeg-turbo's Java API, else ImageIO; CMYK and YCCK through
 * TwelveMonkeys), PNG (8 and 16 bit, grey, palette, alpha), GIF, BMP; EXIF orientation applied.
 * Alpha is dropped and 16-bit samples keep their high byte, as PIL's {@code convert("RGB")} does
 * for the images users feed torchvision. A truncated or corrupt file is an {@link
 * ImageDecodeException}, never a half-grey image.
 *
 * <p>The size in the image's header is checked before any pixel is decoded: an image above {@link
 * #MAX_PIXELS} is refused with an {@link ImageDecodeException} (an {@code error} row) instead of
 * exhausting the executor's heap.
 */
public final class ImageDecoder {
  /**
   * The largest image decoded, in pixels (width x height): 64 megapixels, e.g. 9800x6500, larger
   * than the photos of most cameras. Decoding holds the reader's raster (3 bytes per pixel for an
   * RGB JPEG, up to 8 for a 16-bit RGBA PNG) and the RGB copy (3 bytes per pixel), plus a rotated
   * copy when EXIF says so: 400-600 MB at this limit for an 8-bit image, which a 1 GB executor heap
   * holds for one such image at a time (give executors about 1 GB per core for inputs this large).
   */
  public static final long MAX_PIXELS = 64_000_000L;

  static {
    // ImageIO's registry is JVM-wide and built from the class loader that first touched it; on a
    // Spark executor that may not see the job jar, so register TwelveMonkeys' readers explicitly.
    ClassLoader previous = Thread.currentThread().getContextClassLoader();
    try {
      Thread.currentThread().setContextClassLoader(ImageDecoder.class.getClassLoader());
      ImageIO.scanForPlugins();
    } finally {
      Thread.currentThread().setContextClassLoader(previous);
    }
    ImageIO.setUseCache(false);
  }

  private ImageDecoder() {}

  /** The ImageIO path alone, before EXIF orientation (what runs without TurboJPEG). */
  static RgbImage decodeWithImageIo(byte[] bytes) {
    return toRgb(read(bytes));
  }

  /** The JPEG decoder of this JVM: {@code turbojpeg} (libjpeg-turbo) or {@code imageio}. */
  public static String jpegDecoder() {
    return TurboJpeg.name();
  }

  /** Decodes {@code bytes}; throws {@link ImageDecodeException} with the reason when it cannot. */
  public static RgbImage decode(byte[] bytes) {
    if (bytes == null || bytes.length == 0) {
      throw new ImageDecodeException("Cannot decode image: the file is empty (0 bytes)");
    }
    RgbImage rgb = isJpeg(bytes) ? TurboJpeg.decode(bytes) : null;
    if (rgb == null) {
      rgb = toRgb(read(bytes));
    }
    return Orientation.apply(rgb, Orientation.of(bytes));
  }

  private static BufferedImage read(byte[] bytes) {
    if (isJpeg(bytes)) {
      // The JDK's own JPEG reader decodes plain YCbCr / grey JPEGs in about 3.0 ms where
      // TwelveMonkeys' wrapper around it takes 5.3 (640x480, one core); TwelveMonkeys stays the
      // fallback for everything the JDK reader refuses (CMYK, YCCK, odd markers).
      BufferedImage image = readWithJdkJpeg(bytes);
      if (image != null) {
        return image;
      }
    }
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw new ImageDecodeException(
            "Cannot decode image: unknown format (expected JPEG, PNG, GIF or BMP; starts with "
                + signature(bytes)
                + ")");
      }
      ImageReader reader = readers.next();
      List<String> warnings = new ArrayList<>();
      IIOReadWarningListener listener = (source, warning) -> warnings.add(warning);
      try {
        reader.setInput(in, true, true);
        reader.addIIOReadWarningListener(listener);
        checkSize(reader.getWidth(0), reader.getHeight(0));
        BufferedImage image = reader.read(0);
        for (String warning : warnings) {
          if (isTruncation(warning)) {
            throw new ImageDecodeException(
                "Cannot decode image: truncated " + reader.getFormatName() + " (" + warning + ")");
          }
        }
        return image;
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof ImageDecodeException ide) {
        throw ide;
      }
      String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      throw new ImageDecodeException("Cannot decode image: " + reason, e);
    }
  }

  private static boolean isJpeg(byte[] bytes) {
    return bytes.length > 3 && (bytes[0] & 0xFF) == 0xFF && (bytes[1] & 0xFF) == 0xD8;
  }

  /** The image through the JDK's JPEG reader, or null when it cannot read it cleanly. */
  private static BufferedImage readWithJdkJpeg(byte[] bytes) {
    ImageReader reader = jdkJpegReader();
    if (reader == null) {
      return null;
    }
    List<String> warnings = new ArrayList<>();
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
      reader.setInput(in, true, true);
      reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
      checkSize(reader.getWidth(0), reader.getHeight(0));
      BufferedImage image = reader.read(0);
      return warnings.isEmpty() ? image : null;
    } catch (ImageDecodeException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      return null;
    } finally {
      reader.dispose();
    }
  }

  /** Refuses an image whose header claims more than {@link #MAX_PIXELS}, before decoding it. */
  static void checkSize(int width, int height) {
    long pixels = (long) width * height;
    if (pixels > MAX_PIXELS) {
      throw new ImageDecodeException(
          "Cannot decode image: "
              + width
              + "x"
              + height
              + " pixels is above the limit of "
              + MAX_PIXELS
              + " pixels (expected width x height <= "
              + MAX_PIXELS
              + ", got "
              + pixels
              + "; downscale the image first)");
    }
  }

  private static ImageReader jdkJpegReader() {
    Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("jpeg");
    while (readers.hasNext()) {
      ImageReader reader = readers.next();
      if (reader.getClass().getName().startsWith("com.sun.imageio.")) {
        return reader;
      }
    }
    return null;
  }

  private static boolean isTruncation(String warning) {
    String w = warning.toLowerCase();
    return w.contains("premature end") || w.contains("truncat") || w.contains("end of file");
  }

  private static String signature(byte[] bytes) {
    StringBuilder sb = new StringBuilder("0x");
    for (int i = 0; i < Math.min(4, bytes.length); i++) {
      sb.append(String.format("%02x", bytes[i] & 0xFF));
    }
    return sb.toString();
  }

  /** Converts any decoded image to interleaved RGB bytes, fast for the common layouts. */
  static RgbImage toRgb(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    byte[] out = new byte[w * h * 3];
    Raster raster = image.getRaster();
    ColorModel cm = image.getColorModel();
    if (image.getType() == BufferedImage.TYPE_3BYTE_BGR && isWholeRaster(raster)) {
      byte[] bgr = ((DataBufferByte) raster.getDataBuffer()).getData();
      for (int i = 0; i < out.length; i += 3) {
        out[i] = bgr[i + 2];
        out[i + 1] = bgr[i + 1];
        out[i + 2] = bgr[i];
      }
    } else if (image.getType() == BufferedImage.TYPE_BYTE_GRAY && isWholeRaster(raster)) {
      byte[] grey = ((DataBufferByte) raster.getDataBuffer()).getData();
      for (int i = 0, o = 0; i < grey.length; i++, o += 3) {
        out[o] = grey[i];
        out[o + 1] = grey[i];
        out[o + 2] = grey[i];
      }
    } else if (cm instanceof ComponentColorModel
        && (cm.getColorSpace().getType() == ColorSpace.TYPE_RGB
            || cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY)) {
      componentSamples(raster, cm, out);
    } else {
      int[] row = new int[w];
      for (int y = 0; y < h; y++) {
        image.getRGB(0, y, w, 1, row, 0, w);
        for (int x = 0, o = y * w * 3; x < w; x++, o += 3) {
          int p = row[x];
          out[o] = (byte) (p >> 16);
          out[o + 1] = (byte) (p >> 8);
          out[o + 2] = (byte) p;
        }
      }
    }
    return new RgbImage(w, h, out);
  }

  private static boolean isWholeRaster(Raster raster) {
    return raster.getParent() == null
        && raster.getSampleModelTranslateX() == 0
        && raster.getSampleModelTranslateY() == 0
        && raster.getDataBuffer().getNumBanks() == 1;
  }

  // Raw samples, no colour management: grey is replicated, alpha dropped, 16-bit keeps the high
  // byte. Colour conversion through an embedded profile would change pixel values that the
  // reference pipelines (PIL, OpenCV) leave alone.
  private static void componentSamples(Raster raster, ColorModel cm, byte[] out) {
    int w = raster.getWidth();
    int h = raster.getHeight();
    int bands = raster.getNumBands();
    boolean grey = cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY;
    int shift = raster.getDataBuffer().getDataType() == DataBuffer.TYPE_USHORT ? 8 : 0;
    int[] row = new int[w * bands];
    for (int y = 0; y < h; y++) {
      raster.getPixels(0, y, w, 1, row);
      for (int x = 0, o = y * w * 3; x < w; x++, o += 3) {
        int s = x * bands;
        if (grey) {
          byte v = (byte) (row[s] >> shift);
          out[o] = v;
          out[o + 1] = v;
          out[o + 2] = v;
        } else {
          out[o] = (byte) (row[s] >> shift);
          out[o + 1] = (byte) (row[s + 1] >> shift);
          out[o + 2] = (byte) (row[s + 2] >> shift);
        }
      }
    }
  }
}
