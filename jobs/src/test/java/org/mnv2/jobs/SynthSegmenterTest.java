package org.mnv2.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnv2.eval.voc.SegmentationMetrics;
import org.mnv2.jobs.cli.DemoCommand;
import org.mnv2.jobs.conf.EvalVocConf;
import org.mnv2.jobs.conf.InferenceConf;
import org.mnv2.jobs.run.RunSummary;
import org.mnv2.jobs.storage.Json;
import org.mnv2.model.mask.LabelMask;
import org.mnv2.model.mask.PaletteMasks;
import org.mnv2.model.spec.ModelSpec;
import org.mnv2.synth.SynthGenerator;

/**
 * The project's own DeepLabV3 (conf/models/synth-deeplabv3.*): the Java pipeline reproduces the
 * masks PyTorch recorded in the golden file, and reaches the target mIoU on held-out synthetic
 * images as this pipeline measures it (eval-voc on Spark).
 */
class SynthSegmenterTest extends SparkTestBase {
  /** Held out: the training script trains on seed 7919 (scripts/train_models.py). */
  static final long HELDOUT_SEED = DemoCommand.DEMO_SEED;

  static final int HELDOUT_IMAGES = 100;

  static JsonNode golden;
  static ModelSpec spec;

  @BeforeAll
  static void readGolden() throws IOException {
    Path models = projectRoot().resolve("conf/models");
    Path goldenFile = models.resolve("synth-deeplabv3.golden.json");
    assumeTrue(
        Files.isRegularFile(goldenFile)
            && Files.isRegularFile(models.resolve("synth-deeplabv3.yaml")),
        "needs the trained segmenter: "
            + goldenFile
            + " or its spec is missing (scripts/train-models)");
    golden = Json.mapper().readTree(goldenFile.toFile());
    spec = Fixtures.spec("synth-deeplabv3", null);
  }

  @Test
  void reproducesTheGoldenMasksOfPyTorch(@TempDir Path dir) throws IOException {
    Path images = goldenImages(dir);

    RunSummary summary =
        SegmentJob.run(
            spark, InferenceConf.of(images.toString(), dir.resolve("out").toString(), spec));

    assertThat(summary.ok()).isEqualTo(golden.get("images").size());
    Map<String, byte[]> masks = new HashMap<>();
    for (Row r : spark.read().parquet(dir.resolve("out/predictions").toString()).collectAsList()) {
      String uri = r.getAs("image_uri");
      masks.put(uri.substring(uri.lastIndexOf('/') + 1), r.getAs("mask_png"));
    }
    for (JsonNode image : golden.get("images")) {
      String file = Path.of(image.get("file").asText()).getFileName().toString();
      LabelMask mask = PaletteMasks.decode(masks.get(file), file);
      assertThat(mask.width()).as(file).isEqualTo(image.get("width").asInt());
      assertThat(mask.height()).as(file).isEqualTo(image.get("height").asInt());
      byte[] expected = runLengthDecoded(image.get("mask_rle"), mask.width() * mask.height());
      byte[] actual = mask.labels();
      long equal = 0;
      for (int i = 0; i < expected.length; i++) {
        equal += expected[i] == actual[i] ? 1 : 0;
      }
      // Same pixels in (the preprocessing is PIL-exact), float differences between ONNX Runtime
      // and PyTorch can only flip near-ties of the argmax.
      assertThat(equal / (double) expected.length)
          .as("share of %s pixels equal to the golden mask", file)
          .isGreaterThanOrEqualTo(0.999);
    }
  }

  @Test
  void heldOutMeanIouMeetsTheTarget(@TempDir Path dir) {
    Path data = dir.resolve("synth");
    SynthGenerator.generate(data, HELDOUT_IMAGES, HELDOUT_SEED);
    EvalVocConf conf =
        EvalVocConf.withModel(
            data.resolve("voc").toString(),
            "val",
            InferenceConf.of(data.toString(), dir.resolve("out").toString(), spec));

    EvalVocJob.Result result = EvalVocJob.run(spark, conf);

    SegmentationMetrics m = result.metrics();
    assertThat(m.images()).isEqualTo(HELDOUT_IMAGES);
    assertThat(m.perClass()).hasSize(7);
    assertThat(m.meanIoU()).as("held-out mIoU (%s)", m).isGreaterThanOrEqualTo(0.75);
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

  /** mask_rle: [value, count, value, count, ...] over the row-major label bytes. */
  static byte[] runLengthDecoded(JsonNode rle, int size) {
    byte[] out = new byte[size];
    int at = 0;
    for (int i = 0; i < rle.size(); i += 2) {
      int count = rle.get(i + 1).asInt();
      java.util.Arrays.fill(out, at, at + count, (byte) rle.get(i).asInt());
      at += count;
    }
    assertThat(at).as("golden run lengths cover the mask").isEqualTo(size);
    return out;
  }
}
