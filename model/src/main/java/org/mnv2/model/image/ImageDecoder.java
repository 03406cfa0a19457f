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
import javax.imageio.ImageReadParam;
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
 * <p>Decoding is exact (full size) unless the caller passes a {@link Cover}: then a JPEG decoded
 * through TurboJPEG comes out DCT-scaled by n/8 to the smallest size that still covers what the
 * caller needs (see {@link TurboJpeg#decode(byte[], Cover)}); the {@link RgbImage} says the file's
 * full size. The ImageIO fallback always decodes at full size.
 *
 * <p>The size in the image's header is checked before any pixel is decoded. An image above {@link
 * #MAX_PIXELS} decodes reduced below the limit if it is a baseline JPEG (DCT scaling through
 * TurboJPEG, source subsampling through ImageIO, both in bounded memory); anything else (a
 * progressive JPEG, whose decoder holds the whole image's coefficients; a PNG, GIF or BMP; a JPEG
 * above the limit even at 1/8, on both paths) is refused with an {@link ImageDecodeException} (an
 * {@code error} row) instead of exhausting the executor's heap.
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

  /** A width and a height in pixels. */
  public record Size(int width, int height) {}

  /**
   * What a caller needs of an image: for an upright image of {@code width x height}, the smallest
   * decoded size (both axes) that still gives the caller's result, e.g. the size a resize goes to.
   */
  @FunctionalInterface
  public interface Cover {
    Size of(int width, int height);
  }

  /** The ImageIO path alone, before EXIF orientation (what runs without TurboJPEG). */
  static RgbImage decodeWithImageIo(byte[] bytes) {
    return read(bytes);
  }

  /**
   * What {@link #decode(byte[])} does in a JVM without TurboJPEG: the same checks and EXIF
   * orientation around the ImageIO path, so tests can hold the two decoders side by side.
   */
  static RgbImage decodeWithoutTurboJpeg(byte[] bytes) {
    return decode(bytes, null, false);
  }

  /** The JPEG decoder of this JVM: {@code turbojpeg} (libjpeg-turbo) or {@code imageio}. */
  public static String jpegDecoder() {
    return TurboJpeg.name();
  }

  /**
   * Decodes {@code bytes} at full size; throws {@link ImageDecodeException} with the reason when it
   * cannot.
   */
  public static RgbImage decode(byte[] bytes) {
    return decode(bytes, null);
  }

  /**
   * Decodes {@code bytes}, a JPEG reduced by DCT scaling as far as {@code cover} allows (null: full
   * size); throws {@link ImageDecodeException} with the reason when it cannot.
   */
  public static RgbImage decode(byte[] bytes, Cover cover) {
    return decode(bytes, cover, true);
  }

  private static RgbImage decode(byte[] bytes, Cover cover, boolean turboJpeg) {
    if (bytes == null || bytes.length == 0) {
      throw new ImageDecodeException("Cannot decode image: the file is empty (0 bytes)");
    }
    int orientation = Orientation.of(bytes);
    RgbImage rgb = null;
    if (turboJpeg && isJpeg(bytes)) {
      Cover inFile = cover;
      if (cover != null && Orientation.swapsAxes(orientation)) {
        inFile =
            (w, h) -> {
              Size upright = cover.of(h, w);
              return new Size(upright.height(), upright.width());
            };
      }
      rgb = TurboJpeg.decode(bytes, inFile);
    }
    if (rgb == null) {
      rgb = read(bytes);
    }
    return Orientation.apply(rgb, orientation);
  }

  /**
   * The scale, in eighths, a JPEG of {@code width x height} decodes at: the smallest that covers
   * {@code cover} (8 without one), lowered until the image is within {@link #MAX_PIXELS}.
   *
   * @throws ImageDecodeException when no scale brings it within the limit, or it is progressive and
   *     above the limit at full size
   */
  static int eighths(int width, int height, Cover cover, boolean progressive) {
    if (progressive) {
      checkSize(width, height, "a progressive JPEG is decoded whole");
    }
    int n = 8;
    if (cover != null) {
      Size need = cover.of(width, height);
      n = 1;
      while (n < 8
          && (TurboJpeg.scaled(width, n) < need.width()
              || TurboJpeg.scaled(height, n) < need.height())) {
        n++;
      }
    }
    while (n > 1 && (long) TurboJpeg.scaled(width, n) * TurboJpeg.scaled(height, n) > MAX_PIXELS) {
      n--;
    }
    checkSize(TurboJpeg.scaled(width, n), TurboJpeg.scaled(height, n), "even at 1/8 scale");
    return n;
  }

  /**
   * The ImageIO subsampling step for an image of {@code width x height}: 1 within {@link
   * #MAX_PIXELS}, else the smallest step that brings it within.
   */
  static int subsampling(int width, int height) {
    int step = 1;
    while ((long) ceilDiv(width, step) * ceilDiv(height, step) > MAX_PIXELS) {
      step++;
    }
    return step;
  }

  private static int ceilDiv(int size, int step) {
    return (size + step - 1) / step;
  }

  private static RgbImage read(byte[] bytes) {
    if (isJpeg(bytes)) {
      // The JDK's own JPEG reader decodes plain YCbCr / grey JPEGs in about 3.0 ms where
      // TwelveMonkeys' wrapper around it takes 5.3 (640x480, one core); TwelveMonkeys stays the
      // fallback for everything the JDK reader refuses (CMYK, YCCK, odd markers).
      RgbImage image = readWithJdkJpeg(bytes);
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
        int width = reader.getWidth(0);
        int height = reader.getHeight(0);
        BufferedImage image = reader.read(0, readParam(reader, bytes, width, height));
        for (String warning : warnings) {
          if (isTruncation(warning)) {
            throw new ImageDecodeException(
                "Cannot decode image: truncated " + reader.getFormatName() + " (" + warning + ")");
          }
        }
        return toRgb(image, width, height);
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

  /**
   * Full size within {@link #MAX_PIXELS}; above it, a baseline JPEG through source subsampling
   * (rows are decoded one by one and only every step-th kept, as TurboJPEG's DCT scaling would
   * reduce it); anything else is refused.
   */
  private static ImageReadParam readParam(ImageReader reader, byte[] bytes, int width, int height) {
    ImageReadParam param = reader.getDefaultReadParam();
    if ((long) width * height > MAX_PIXELS) {
      if (!isJpeg(bytes)) {
        checkSize(width, height, "only a JPEG decodes reduced");
      }
      if (JpegMarkers.isProgressive(bytes)) {
        checkSize(width, height, "a progressive JPEG is decoded whole");
      }
      // TurboJPEG cannot scale below 1/8, so it refuses what is above the limit even then (from
      // about 64000x64000); refuse the same here, though subsampling could go further, so that a
      // node without TurboJPEG writes the same error row (and does not decode 4 GP row by row).
      checkSize(TurboJpeg.scaled(width, 1), TurboJpeg.scaled(height, 1), "even at 1/8 scale");
      int step = subsampling(width, height);
      param.setSourceSubsampling(step, step, 0, 0);
    }
    return param;
  }

  /** The image through the JDK's JPEG reader, or null when it cannot read it cleanly. */
  private static RgbImage readWithJdkJpeg(byte[] bytes) {
    ImageReader reader = jdkJpegReader();
    if (reader == null) {
      return null;
    }
    List<String> warnings = new ArrayList<>();
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
      reader.setInput(in, true, true);
      reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
      int width = reader.getWidth(0);
      int height = reader.getHeight(0);
      BufferedImage image = reader.read(0, readParam(reader, bytes, width, height));
      return warnings.isEmpty() ? toRgb(image, width, height) : null;
    } catch (ImageDecodeException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      return null;
    } finally {
      reader.dispose();
    }
  }

  /**
   * Refuses an image that would decode to more than {@link #MAX_PIXELS}, before decoding it; {@code
   * why} says why it cannot be reduced.
   */
  static void checkSize(int width, int height, String why) {
    long pixels = (long) width * height;
    if (pixels > MAX_PIXELS) {
      throw new ImageDecodeException(
          "Cannot decode image: "
              + width
              + "x"
              + height
              + " pixels is above the limit of "
              + MAX_PIXELS
              + " pixels ("
              + why
              + "; expected width x height <= "
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

  /**
   * Converts any decoded image to interleaved RGB bytes, fast for the common layouts; the file's
   * full size is {@code sourceWidth x sourceHeight}.
   */
  static RgbImage toRgb(BufferedImage image, int sourceWidth, int sourceHeight) {
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
    return new RgbImage(w, h, out, sourceWidth, sourceHeight);
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
