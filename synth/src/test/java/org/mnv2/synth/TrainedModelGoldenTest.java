package org.mnv2.synth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * The synth model's golden file (conf/models/synth-mobilenetv2.golden.json) was made by PyTorch on
 * images this generator wrote, identified by (synth_seed, image_index) and the SHA-256 of their
 * pixels as PIL decodes them. If the generator's random draws, drawing or JPEG settings change,
 * those images change and the golden (and the trained models) must be regenerated: this test says
 * so here rather than as a logits mismatch in a Spark test.
 */
class TrainedModelGoldenTest {

  private static final Path GOLDEN =
      Path.of(System.getProperty("project.root", ".."))
          .resolve("conf/models/synth-mobilenetv2.golden.json");

  @Test
  void generatorStillWritesTheImagesTheGoldenWasMadeFrom() throws IOException {
    assumeTrue(Files.isRegularFile(GOLDEN), "golden file missing: " + GOLDEN.toAbsolutePath());
    JsonNode images = new ObjectMapper().readTree(GOLDEN.toFile()).get("images");
    assertThat(images).isNotEmpty();

    for (JsonNode golden : images) {
      long seed = golden.get("synth_seed").asLong();
      int index = golden.get("image_index").asInt();
      Scene scene = SceneGenerator.generate(seed, index);
      byte[] jpeg = JpegEncoder.encode(scene.rgb(), scene.width(), scene.height(), scene.id());

      String image = "seed " + seed + " image " + index;
      assertThat(golden.get("file").asText()).as(image).isEqualTo("images/" + scene.id() + ".jpg");
      assertThat(scene.width()).as(image).isEqualTo(golden.get("width").asInt());
      assertThat(scene.height()).as(image).isEqualTo(golden.get("height").asInt());
      assertThat(scene.primary().synthClass().index())
          .as(image)
          .isEqualTo(golden.get("class_index").asInt());
      // The JDK's JPEG decoder and PIL's libjpeg-turbo agree bit for bit on these baseline files.
      assertThat(sha256OfDecodedRgb(jpeg))
          .as(image)
          .isEqualTo(golden.get("decoded_rgb_sha256").asText());
    }
  }

  private static String sha256OfDecodedRgb(byte[] jpeg) throws IOException {
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(jpeg));
    byte[] rgb = new byte[image.getWidth() * image.getHeight() * 3];
    int i = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        int pixel = image.getRGB(x, y);
        rgb[i++] = (byte) (pixel >> 16);
        rgb[i++] = (byte) (pixel >> 8);
        rgb[i++] = (byte) pixel;
      }
    }
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(rgb));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Cannot hash pixels: no SHA-256 in this JVM", e);
    }
  }
}
