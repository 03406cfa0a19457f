package org.mnv2.model.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** The size check that precedes decoding. */
class ImageDecoderTest {

  /** A PNG whose IHDR claims {@code width x height} RGB pixels, with one tiny IDAT. */
  static byte[] pngHeader(int width, int height) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    ByteBuffer ihdr = ByteBuffer.allocate(13);
    ihdr.putInt(width).putInt(height).put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0);
    ihdr.put((byte) 0);
    chunk(out, "IHDR", ihdr.array());
    Deflater deflater = new Deflater();
    deflater.setInput(new byte[64]);
    deflater.finish();
    byte[] idat = new byte[128];
    int n = deflater.deflate(idat);
    deflater.end();
    chunk(out, "IDAT", java.util.Arrays.copyOf(idat, n));
    chunk(out, "IEND", new byte[0]);
    return out.toByteArray();
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

  @Test
  void aPngClaimingThirtyThousandSquaredPixelsIsRefusedBeforeDecoding() {
    assertThatThrownBy(() -> ImageDecoder.decode(pngHeader(30000, 30000)))
        .isInstanceOf(ImageDecodeException.class)
        .hasMessage(
            "Cannot decode image: 30000x30000 pixels is above the limit of 64000000 pixels"
                + " (only a JPEG decodes reduced; expected width x height <= 64000000, got"
                + " 900000000; downscale the image first)");
  }

  @Test
  void theLimitCheckNamesWhyTheImageCannotBeReduced() {
    ImageDecoder.checkSize(8000, 8000, "why");
    assertThatThrownBy(() -> ImageDecoder.checkSize(8000, 8001, "a progressive JPEG"))
        .hasMessageStartingWith(
            "Cannot decode image: 8000x8001 pixels is above the limit of 64000000 pixels (a"
                + " progressive JPEG;");
  }

  @Test
  void anOrdinaryPngStillDecodes() throws IOException {
    BufferedImage image = new BufferedImage(3, 2, BufferedImage.TYPE_3BYTE_BGR);
    image.setRGB(2, 1, 0x102030);
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    ImageIO.write(image, "png", png);

    RgbImage rgb = ImageDecoder.decode(png.toByteArray());

    assertThat(rgb.width()).isEqualTo(3);
    assertThat(rgb.height()).isEqualTo(2);
    byte[] pixels = rgb.pixels();
    assertThat(new int[] {pixels[15] & 0xFF, pixels[16] & 0xFF, pixels[17] & 0xFF})
        .containsExactly(0x10, 0x20, 0x30);
  }
}
