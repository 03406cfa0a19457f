package org.mnv2.synth;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/** Encodes RGB pixels as baseline JPEG at quality 95 (docs/SYNTH.md). Thread-safe. */
final class JpegEncoder {

  static final float QUALITY = 0.95f;

  // The JDK's own encoder, chosen over any other ImageIO plug-in on the classpath (a job may ship
  // TwelveMonkeys) so that the bytes for a seed do not depend on the classpath.
  private static final String JDK_JPEG_WRITER_SPI =
      "com.sun.imageio.plugins.jpeg.JPEGImageWriterSpi";

  private JpegEncoder() {}

  /**
   * Returns the JPEG file bytes of a {@code width x height} image.
   *
   * @param rgb row-major pixels as {@code 0xRRGGBB} (not modified)
   */
  static byte[] encode(int[] rgb, int width, int height, String name) {
    // TYPE_3BYTE_BGR is the layout the JDK encoder reads directly; TYPE_INT_RGB would go through
    // a per-pixel getPixels/setPixels conversion that costs more than the encoding.
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    byte[] bgr = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
    for (int i = 0, j = 0; i < rgb.length; i++, j += 3) {
      bgr[j] = (byte) rgb[i];
      bgr[j + 1] = (byte) (rgb[i] >> 8);
      bgr[j + 2] = (byte) (rgb[i] >> 16);
    }

    ImageWriter writer = jdkWriter();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(width * height / 2);
    try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(QUALITY);
      writer.setOutput(out);
      writer.write(null, new IIOImage(image, null, null), param);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot encode JPEG " + name + ": " + e.getMessage(), e);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }

  private static ImageWriter jdkWriter() {
    Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
    ImageWriter chosen = null;
    while (writers.hasNext()) {
      ImageWriter writer = writers.next();
      boolean isJdk =
          writer.getOriginatingProvider() != null
              && JDK_JPEG_WRITER_SPI.equals(writer.getOriginatingProvider().getClass().getName());
      if (chosen == null || isJdk) {
        if (chosen != null) {
          chosen.dispose();
        }
        chosen = writer;
        if (isJdk) {
          break;
        }
      } else {
        writer.dispose();
      }
    }
    if (chosen == null) {
      throw new IllegalStateException(
          "Cannot encode JPEG: no ImageIO JPEG writer (expected the JDK's, got none)");
    }
    return chosen;
  }
}
