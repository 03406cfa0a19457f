package org.mnv2.model.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.mnv2.model.spec.InputSpec;

/**
 * TurboJPEG and the ImageIO fallback give the same ok / error outcome on the bad-input set (the
 * issue's acceptance item), so a node with or without libjpeg-turbo writes the same rows: every
 * input goes through {@link ImageDecoder#decode(byte[])} (TurboJPEG first) and {@link
 * ImageDecoder#decodeWithoutTurboJpeg(byte[])} (what a JVM without it runs). Both must succeed or
 * both throw {@link ImageDecodeException} with a message; successes must agree on the upright file
 * size and, within {@link #MEAN_ABS_DIFF}, on the pixels.
 */
class DecoderAgreementTest {
  /**
   * Mean |TurboJPEG - ImageIO| per sample, of 255. Both are libjpeg's accurate integer IDCT with
   * fancy upsampling (the JDK bundles IJG libjpeg 6b) and measure 0 on every success here; the
   * bound leaves room for a JDK or libjpeg-turbo build whose IDCT or upsampling rounds differently
   * (off by one on some samples) while a shifted, garbled or channel-swapped image is tens off.
   */
  private static final double MEAN_ABS_DIFF = 1.0;

  private static final String PHOTO = "coco/coco128-part1/images/000000000009.jpg";

  /** One input: whether it is an image, and whether TurboJPEG itself decodes it (not ImageIO). */
  private record Case(String name, byte[] bytes, boolean ok, boolean turboDecodes) {}

  @TestFactory
  Stream<DynamicTest> bothDecodersAgreeOnEveryBadInput() throws IOException {
    assumeTrue(
        TurboJpeg.available(),
        "needs libjpeg-turbo's Java API (libturbojpeg0, libturbojpeg-java, libturbojpeg0-dev): "
            + TurboJpeg.DEFAULT_JAR);
    Path fixtures =
        Path.of(System.getProperty("shared.dir", "../shared")).toAbsolutePath().resolve("fixtures");
    Path photoPath = fixtures.resolve(PHOTO);
    assumeTrue(Files.isRegularFile(photoPath), "needs the shared fixtures: " + photoPath);
    return cases(Files.readAllBytes(photoPath)).stream()
        .map(c -> DynamicTest.dynamicTest(c.name(), () -> assertAgree(c)));
  }

  private static List<Case> cases(byte[] photo) throws IOException {
    BufferedImage upright = ImageIO.read(new ByteArrayInputStream(photo));
    byte[] baseline = EncodedImages.jpeg(upright);
    List<Case> cases = new ArrayList<>();
    cases.add(new Case("fixture photo", photo, true, true));
    cases.add(new Case("re-encoded baseline JPEG", baseline, true, true));
    cases.add(new Case("empty file", new byte[0], false, false));
    for (int percent : new int[] {10, 40, 90}) {
      byte[] cut = Arrays.copyOf(photo, photo.length * percent / 100);
      cases.add(new Case("JPEG truncated at " + percent + "%", cut, false, false));
    }
    cases.add(new Case("JPEG truncated to SOI", Arrays.copyOf(photo, 2), false, false));
    cases.add(new Case("JPEG truncated to 4 bytes", Arrays.copyOf(photo, 4), false, false));
    cases.add(
        new Case(
            "text file named .jpg",
            "this is a text file, not a JPEG\n".getBytes(StandardCharsets.US_ASCII),
            false,
            false));
    cases.add(new Case("JPEG with a zero-height SOF", zeroHeight(baseline), false, false));
    cases.add(new Case("JPEG with a bogus Huffman table", bogusHuffman(baseline), false, false));
    cases.add(new Case("grey JPEG", EncodedImages.jpeg(EncodedImages.grey(upright)), true, true));
    cases.add(new Case("CMYK JPEG", EncodedImages.cmykJpeg(upright), true, false));
    cases.add(new Case("progressive JPEG", EncodedImages.progressiveJpeg(upright), true, true));
    byte[] rotated =
        EncodedImages.withExifOrientation(
            EncodedImages.jpeg(EncodedImages.rotateCounterClockwise(upright)), 6);
    cases.add(new Case("EXIF-rotated JPEG (orientation 6)", rotated, true, true));
    cases.add(new Case("16-bit PNG", EncodedImages.png16(upright), true, false));
    cases.add(
        new Case(
            "PNG claiming 30000x30000", ImageDecoderTest.pngHeader(30000, 30000), false, false));
    // 72 MP: TurboJPEG decodes it at 7/8, ImageIO every 2nd pixel of every 2nd row.
    cases.add(
        new Case("baseline JPEG of 9000x8000", UniformJpegs.baseline(9000, 8000), true, true));
    cases.add(
        new Case(
            "progressive JPEG claiming 20000x15000",
            UniformJpegs.progressiveHeader(20000, 15000),
            false,
            false));
    // 4.3 GP: above the limit even at 1/8 (8192x8192), which TurboJPEG cannot go below.
    cases.add(
        new Case(
            "baseline JPEG of 65500x65500", UniformJpegs.baseline(65500, 65500), false, false));
    return cases;
  }

  private static void assertAgree(Case c) {
    if (!c.ok()) {
      assertThatThrownBy(() -> ImageDecoder.decode(c.bytes()))
          .as("%s through TurboJPEG", c.name())
          .isInstanceOf(ImageDecodeException.class)
          .hasMessageStartingWith("Cannot decode image: ");
      assertThatThrownBy(() -> ImageDecoder.decodeWithoutTurboJpeg(c.bytes()))
          .as("%s through ImageIO", c.name())
          .isInstanceOf(ImageDecodeException.class)
          .hasMessageStartingWith("Cannot decode image: ");
      return;
    }
    assertThat(TurboJpeg.decode(c.bytes()) != null)
        .as("%s decoded by TurboJPEG itself (else both paths are ImageIO)", c.name())
        .isEqualTo(c.turboDecodes());
    RgbImage turbo = ImageDecoder.decode(c.bytes());
    RgbImage imageIo = ImageDecoder.decodeWithoutTurboJpeg(c.bytes());
    assertThat(new int[] {turbo.sourceWidth(), turbo.sourceHeight()})
        .as("%s upright size, TurboJPEG vs ImageIO", c.name())
        .containsExactly(imageIo.sourceWidth(), imageIo.sourceHeight());
    if (!turbo.reduced() && !imageIo.reduced()) {
      assertThat(new int[] {turbo.width(), turbo.height()})
          .as("%s decoded size", c.name())
          .containsExactly(imageIo.width(), imageIo.height());
      assertThat(meanAbsDiff(turbo.pixels(), imageIo.pixels()))
          .as("%s mean |TurboJPEG - ImageIO| at full size", c.name())
          .isLessThanOrEqualTo(MEAN_ABS_DIFF);
    }
    // Reduced decodes differ in size (TurboJPEG scales by n/8, ImageIO subsamples by whole
    // steps), so the pixels are compared where the model sees them: the network input.
    Preprocessor pre = new Preprocessor(ScaledDecodingTest.classification(InputSpec.Decode.EXACT));
    Preprocessor.Prepared a = pre.prepare(turbo);
    Preprocessor.Prepared b = pre.prepare(imageIo);
    assertThat(a.geometry()).as("%s geometry", c.name()).isEqualTo(b.geometry());
    assertThat(meanAbsDiff(a.rgb(), b.rgb()))
        .as("%s mean |TurboJPEG - ImageIO| at the network input", c.name())
        .isLessThanOrEqualTo(MEAN_ABS_DIFF);
  }

  private static double meanAbsDiff(byte[] a, byte[] b) {
    assertThat(a).hasSameSizeAs(b);
    long sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += Math.abs((a[i] & 0xFF) - (b[i] & 0xFF));
    }
    return (double) sum / a.length;
  }

  /**
   * The JPEG with its frame header's height set to 0 (a DNL-defined height, which no one reads).
   */
  private static byte[] zeroHeight(byte[] jpeg) {
    byte[] out = jpeg.clone();
    int sof = EncodedImages.marker(out, 0xC0);
    assertThat(sof).as("SOF0 offset").isPositive();
    out[sof + 5] = 0;
    out[sof + 6] = 0;
    return out;
  }

  /** The JPEG with its first Huffman table claiming 16 x 255 codes (more than the 256 allowed). */
  private static byte[] bogusHuffman(byte[] jpeg) {
    byte[] out = jpeg.clone();
    int dht = EncodedImages.marker(out, 0xC4);
    assertThat(dht).as("DHT offset").isPositive();
    Arrays.fill(out, dht + 5, dht + 5 + 16, (byte) 0xFF);
    return out;
  }
}
