package org.mnv2.model.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * TurboJPEG against PIL on the 83 fixture JPEGs (imagenet, coco128, voc): the same pixels, by the
 * SHA-256 of PIL's own decode recorded in golden/pil-fixture-jpegs.json. scripts/test (which
 * .ci/run calls) installs the Debian packages it needs.
 */
class TurboJpegTest {
  private static Path fixtures;
  private static JsonNode golden;

  @BeforeAll
  static void turboJpegAndFixtures() throws IOException {
    // Like the report tests' Chromium: a missing package fails the test, never skips it.
    assertThat(TurboJpeg.available())
        .as(
            "TurboJPEG (scripts/test installs libturbojpeg0, libturbojpeg-java and"
                + " libturbojpeg0-dev; the jar is read from "
                + TurboJpeg.DEFAULT_JAR
                + ")")
        .isTrue();
    fixtures =
        Path.of(System.getProperty("shared.dir", "../shared")).toAbsolutePath().resolve("fixtures");
    assumeTrue(Files.isDirectory(fixtures), "needs the shared fixtures: " + fixtures);
    try (InputStream in =
        TurboJpegTest.class.getResourceAsStream("/golden/pil-fixture-jpegs.json")) {
      golden = new ObjectMapper().readTree(in).get("images");
    }
  }

  private static String sha256(byte[] bytes) throws NoSuchAlgorithmException {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  @Test
  void decodesEveryFixturePhotoToPilsPixels() throws Exception {
    List<String> different = new ArrayList<>();
    int checked = 0;
    for (Iterator<Map.Entry<String, JsonNode>> it = golden.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      RgbImage image = TurboJpeg.decode(Files.readAllBytes(fixtures.resolve(entry.getKey())));
      checked++;
      if (image == null
          || image.width() != entry.getValue().get("width").asInt()
          || image.height() != entry.getValue().get("height").asInt()
          || !sha256(image.pixels()).equals(entry.getValue().get("sha256").asText())) {
        different.add(entry.getKey());
      }
    }
    assertThat(checked).isEqualTo(83);
    assertThat(different).as("photos whose pixels differ from PIL's").isEmpty();
    assertThat(ImageDecoder.jpegDecoder()).isEqualTo("turbojpeg");
  }

  @Test
  void theImageIoPathDiffersFromPilOnlyWhereItAppliesAnIccProfile() throws Exception {
    // The fallback without TurboJPEG: ImageIO converts through an embedded ICC profile, PIL not.
    Path plain = fixtures.resolve("coco/coco128-part1/images/000000000009.jpg");
    Path icc = fixtures.resolve("imagenet/images/n01532829_house_finch.JPEG");

    assertThat(sha256(ImageDecoder.decodeWithImageIo(Files.readAllBytes(plain)).pixels()))
        .isEqualTo(golden.get("coco/coco128-part1/images/000000000009.jpg").get("sha256").asText());
    assertThat(sha256(ImageDecoder.decodeWithImageIo(Files.readAllBytes(icc)).pixels()))
        .isNotEqualTo(
            golden.get("imagenet/images/n01532829_house_finch.JPEG").get("sha256").asText());
  }

  @Test
  void leavesWhatItCannotDecodeCleanlyToImageIo() throws IOException {
    byte[] photo = Files.readAllBytes(fixtures.resolve("imagenet/images/caffe_cat.jpg"));
    byte[] truncated = Arrays.copyOf(photo, photo.length * 2 / 5);

    assertThat(TurboJpeg.decode(truncated)).isNull();
    assertThat(TurboJpeg.decode("not a jpeg".getBytes())).isNull();
    assertThatThrownBy(() -> ImageDecoder.decode(truncated))
        .isInstanceOf(ImageDecodeException.class)
        .hasMessageContaining("truncated");
  }
}
