package org.mnv2.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnv2.jobs.conf.InferenceConf;
import org.mnv2.jobs.run.RunSummary;
import org.mnv2.model.image.ImageDecoder;
import org.mnv2.model.image.Preprocessor;
import org.mnv2.model.image.RgbImage;
import org.mnv2.model.spec.ModelSpec;
import org.mnv2.synth.SynthGenerator;
import org.mnv2.udf.ExecutorSessions;

/**
 * The project's own classifier (conf/models/synth-mobilenetv2.*) against the golden outputs the
 * training script recorded with PyTorch, and on a held-out synthetic set.
 */
class SynthClassifierTest extends SparkTestBase {
  static JsonNode golden;
  static ModelSpec spec;

  @BeforeAll
  static void readGolden() throws IOException {
    golden =
        new ObjectMapper()
            .readTree(projectRoot().resolve("conf/models/synth-mobilenetv2.golden.json").toFile());
    spec = Fixtures.spec("synth-mobilenetv2", null);
  }

  /** Regenerates the golden images (the generator is deterministic) and returns their folder. */
  static Path goldenImages(Path dir) throws IOException {
    int needed = 0;
    long seed = golden.get("images").get(0).get("synth_seed").asLong();
    for (JsonNode image : golden.get("images")) {
      assertThat(image.get("synth_seed").asLong()).isEqualTo(seed);
      needed = Math.max(needed, image.get("image_index").asInt() + 1);
    }
    Path synth = dir.resolve("synth");
    SynthGenerator.generate(synth, needed, seed);
    Path selected = Files.createDirectories(dir.resolve("golden"));
    for (JsonNode image : golden.get("images")) {
      Path file = synth.resolve(image.get("file").asText());
      Files.copy(file, selected.resolve(file.getFileName()));
    }
    return selected;
  }

  @Test
  void javaPreprocessingSeesThePixelsPyTorchSaw(@TempDir Path dir) throws Exception {
    Path images = goldenImages(dir);
    Preprocessor pre = new Preprocessor(spec.input());
    for (JsonNode image : golden.get("images")) {
      String name = Path.of(image.get("file").asText()).getFileName().toString();
      RgbImage rgb = ImageDecoder.decode(Files.readAllBytes(images.resolve(name)));
      assertThat(sha256(rgb.pixels()))
          .as("decoded " + name)
          .isEqualTo(image.get("decoded_rgb_sha256").asText());
      assertThat(sha256(pre.prepare(rgb).rgb()))
          .as("resized " + name)
          .isEqualTo(image.get("resized_rgb_sha256").asText());
    }
  }

  @Test
  void pipelineReproducesGoldenTop5(@TempDir Path dir) throws Exception {
    Path images = goldenImages(dir);
    Path out = dir.resolve("out");

    ClassifyJob.run(spark, InferenceConf.of(images.toString(), out.toString(), spec));

    List<Row> rows =
        spark
            .read()
            .parquet(out.resolve("predictions").toString())
            .selectExpr("regexp_extract(image_uri, '[^/]+$', 0)", "predictions")
            .collectAsList();
    assertThat(rows).hasSize(golden.get("images").size());
    for (JsonNode image : golden.get("images")) {
      String name = Path.of(image.get("file").asText()).getFileName().toString();
      Row row = rows.stream().filter(r -> r.getString(0).equals(name)).findFirst().orElseThrow();
      List<Row> top5 = row.getList(1);
      JsonNode expected = image.get("top5");
      assertThat(top5).as(name).hasSize(expected.size());
      for (int i = 0; i < expected.size(); i++) {
        assertThat(top5.get(i).getInt(0))
            .as("%s rank %d class", name, i)
            .isEqualTo(expected.get(i).get("class_index").asInt());
        assertThat((double) top5.get(i).getFloat(2))
            .as("%s rank %d probability", name, i)
            .isCloseTo(expected.get(i).get("probability").asDouble(), within(1e-3));
      }
    }
  }

  @Test
  void heldOutAccuracyWithOneSessionAcrossEightPartitions(@TempDir Path dir) {
    long heldOutSeed = golden.get("training").get("heldout_data").get("synth_seed").asLong();
    Path data = dir.resolve("heldout");
    SynthGenerator.generate(data, 200, heldOutSeed);
    ExecutorSessions.closeIdle();

    RunSummary summary =
        ClassifyJob.run(
            spark,
            InferenceConf.of(data.resolve("images").toString(), dir.resolve("out").toString(), spec)
                .withBatching(8, 25)
                .withLabels(data.resolve("labels.csv").toString()));

    assertThat(summary.images()).isEqualTo(200);
    assertThat(summary.ok()).isEqualTo(200);
    assertThat(summary.sessionsBuilt()).as("sessions over 8 partitions on local[2]").isEqualTo(1);
    assertThat(spark.read().parquet(dir.resolve("out/predictions").toString()).inputFiles())
        .as("one Parquet file per partition")
        .hasSize(8);
    assertThat((Double) summary.metrics().get("top1"))
        .as("held-out top-1")
        .isGreaterThanOrEqualTo(0.95);
  }

  static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
