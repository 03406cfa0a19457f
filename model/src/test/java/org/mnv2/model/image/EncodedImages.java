package org.mnv2.model.image;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;

/**
 * A photo re-encoded in the awkward ways users' files come in (the model-level twin of the jobs
 * module's BadInputsTest helpers): grey, progressive, CMYK and EXIF-rotated JPEGs, 16-bit PNGs.
 */
final class EncodedImages {
  private EncodedImages() {}

  /** A baseline JPEG at quality 0.95 through the JDK's writer. */
  static byte[] jpeg(BufferedImage image) throws IOException {
    return jpeg(image, false);
  }

  /** A progressive (SOF2) JPEG at quality 0.95 through the JDK's writer. */
  static byte[] progressiveJpeg(BufferedImage image) throws IOException {
    return jpeg(image, true);
  }

  private static byte[] jpeg(BufferedImage image, boolean progressive) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageWriter writer = jdkJpegWriter();
    try (var stream = ImageIO.createImageOutputStream(out)) {
      writer.setOutput(stream);
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(0.95f);
      if (progressive) {
        param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
      }
      writer.write(null, new IIOImage(image, null, null), param);
    } finally {
      writer.dispose();
    }
    return out.toByteArray();
  }

  private static ImageWriter jdkJpegWriter() {
    var writers = ImageIO.getImageWritersByFormatName("jpeg");
    ImageWriter first = writers.next();
    for (ImageWriter w = first; ; w = writers.next()) {
      if (w.getClass().getName().startsWith("com.sun.imageio.")) {
        return w;
      }
      if (!writers.hasNext()) {
        return first;
      }
    }
  }

  static BufferedImage grey(BufferedImage src) {
    BufferedImage dst =
        new BufferedImage(src.getWidth(), src.getHeight(), BufferedImage.TYPE_BYTE_GRAY);
    dst.getGraphics().drawImage(src, 0, 0, null);
    return dst;
  }

  static BufferedImage rotateCounterClockwise(BufferedImage src) {
    int w = src.getWidth();
    int h = src.getHeight();
    BufferedImage dst = new BufferedImage(h, w, BufferedImage.TYPE_3BYTE_BGR);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        dst.setRGB(y, w - 1 - x, src.getRGB(x, y));
      }
    }
    return dst;
  }

  /** A 16-bit RGB PNG whose high bytes are the source pixels. */
  static byte[] png16(BufferedImage src) throws IOException {
    int w = src.getWidth();
    int h = src.getHeight();
    ComponentColorModel cm =
        new ComponentColorModel(
            ColorSpace.getInstance(ColorSpace.CS_sRGB),
            false,
            false,
            Transparency.OPAQUE,
            DataBuffer.TYPE_USHORT);
    WritableRaster raster = cm.createCompatibleWritableRaster(w, h);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int p = src.getRGB(x, y);
        raster.setPixel(
            x, y, new int[] {((p >> 16) & 0xFF) * 257, ((p >> 8) & 0xFF) * 257, (p & 0xFF) * 257});
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(new BufferedImage(cm, raster, false, null), "png", out);
    return out.toByteArray();
  }

  /**
   * A CMYK JPEG (Adobe APP14, inverted CMYK as Photoshop writes it) made with TwelveMonkeys' writer
   * from a naive RGB to CMYK conversion.
   */
  static byte[] cmykJpeg(BufferedImage src) throws IOException {
    int w = src.getWidth();
    int h = src.getHeight();
    WritableRaster raster = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, w, h, 4, null);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int p = src.getRGB(x, y);
        int r = (p >> 16) & 0xFF;
        int g = (p >> 8) & 0xFF;
        int b = p & 0xFF;
        int k = 255 - Math.max(r, Math.max(g, b));
        int c = k == 255 ? 0 : (255 - r - k) * 255 / (255 - k);
        int m = k == 255 ? 0 : (255 - g - k) * 255 / (255 - k);
        int ye = k == 255 ? 0 : (255 - b - k) * 255 / (255 - k);
        raster.setPixel(x, y, new int[] {c, m, ye, k});
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    try (var stream = ImageIO.createImageOutputStream(out)) {
      writer.setOutput(stream);
      writer.write(null, new IIOImage(raster, null, null), writer.getDefaultWriteParam());
    } finally {
      writer.dispose();
    }
    return out.toByteArray();
  }

  /** Inserts an EXIF APP1 segment holding only the orientation tag right after SOI. */
  static byte[] withExifOrientation(byte[] jpeg, int orientation) {
    byte[] tiff = {
      'M',
      'M',
      0,
      42,
      0,
      0,
      0,
      8, // big-endian TIFF header, IFD0 at offset 8
      0,
      1, // one entry
      0x01,
      0x12,
      0,
      3,
      0,
      0,
      0,
      1,
      0,
      (byte) orientation,
      0,
      0, // Orientation, SHORT, 1 value
      0,
      0,
      0,
      0 // no next IFD
    };
    int length = 2 + 6 + tiff.length;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(jpeg, 0, 2);
    out.write(0xFF);
    out.write(0xE1);
    out.write(length >> 8);
    out.write(length & 0xFF);
    out.writeBytes(new byte[] {'E', 'x', 'i', 'f', 0, 0});
    out.writeBytes(tiff);
    out.write(jpeg, 2, jpeg.length - 2);
    return out.toByteArray();
  }

  /** The offset of the first marker {@code 0xFF marker} after SOI, or -1. */
  static int marker(byte[] jpeg, int marker) {
    int i = 2;
    while (i + 3 < jpeg.length && (jpeg[i] & 0xFF) == 0xFF) {
      if ((jpeg[i + 1] & 0xFF) == marker) {
        return i;
      }
      if ((jpeg[i + 1] & 0xFF) == 0xDA) {
        return -1;
      }
      i += 2 + (((jpeg[i + 2] & 0xFF) << 8) | (jpeg[i + 3] & 0xFF));
    }
    return -1;
  }
}
