package org.mnv2.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnv2.jobs.conf.EvalCocoConf;
import org.mnv2.jobs.conf.InferenceConf;
import org.mnv2.jobs.run.RunSummary;
import org.mnv2.model.spec.ModelSpec;
import org.mnv2.synth.SynthGenerator;

/**
 * The project's own detector (conf/models/synth-ssdlite.*): the Java pipeline against the
 * detections torchvision recorded for fixed held-out images, the TF OD API export of the same
 * weights against the raw-head path, and the held-out COCO AP measured by eval-coco. Skips until
 * the trained model is committed.
 */
class SynthDetectorTest extends SparkTestBase {
  /** The spec's postprocessing, with which the golden was recorded. */
  static double scoreThreshold;

  @TempDir static Path goldenDir;

  /** The raw-head path's detections of the golden images, computed once for the class. */
  private static Map<String, List<Row>> rawDetections;

  static int maxDetections;

  static JsonNode golden;
  static ModelSpec raw;
  static ModelSpec tfod;

  @BeforeAll
  static void readGolden() throws IOException {
    Path models = projectRoot().resolve("conf/models");
    for (String file :
        List.of(
            "synth-ssdlite.golden.json",
            "synth-ssdlite.onnx",
            "synth-ssdlite.yaml",
            "synth-ssdlite-tfod.onnx",
            "synth-ssdlite-tfod.yaml")) {
      assumeTrue(
          Files.exists(models.resolve(file)),
          "needs " + models.resolve(file) + " (written by scripts/train-models detector)");
    }
    golden = new ObjectMapper().readTree(models.resolve("synth-ssdlite.golden.json").toFile());
    raw = Fixtures.spec("synth-ssdlite", null);
    tfod = Fixtures.spec("synth-ssdlite-tfod", null);
    scoreThreshold = raw.output().number("score_threshold");
    maxDetections = (int) raw.output().number("max_detections");
    rawDetections = null;
  }

  /** The golden images and the raw-head path's detections of them, made on first use. */
  static Map<String, List<Row>> rawDetections() throws IOException {
    if (rawDetections == null) {
      rawDetections = detect(raw, goldenImages(goldenDir), goldenDir.resolve("raw"));
    }
    return rawDetections;
  }

  /** Regenerates the golden images (the generator is deterministic) into one folder. */
  static Path goldenImages(Path dir) throws IOException {
    long seed = golden.get("images").get(0).get("synth_seed").asLong();
    int needed = 0;
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

  /** Detections by image file name: (category_id, score, bbox) rows by descending score. */
  static Map<String, List<Row>> detect(ModelSpec spec, Path images, Path out) {
    DetectJob.run(spark, InferenceConf.of(images.toString(), out.toString(), spec));
    Map<String, List<Row>> byFile = new HashMap<>();
    for (Row r :
        spark
            .read()
            .parquet(out.resolve("predictions").toString())
            .selectExpr("regexp_extract(image_uri, '[^/]+$', 0)", "status", "detections")
            .collectAsList()) {
      assertThat(r.getString(1)).as(r.getString(0)).isEqualTo("ok");
      byFile.put(r.getString(0), r.getList(2));
    }
    return byFile;
  }

  /** A detection as compared: category, score, COCO box. */
  record Found(int categoryId, double score, double[] bbox) {
    static Found of(Row r) {
      List<Float> b = r.getList(3);
      return new Found(
          r.getInt(0), r.getFloat(2), new double[] {b.get(0), b.get(1), b.get(2), b.get(3)});
    }

    boolean matches(Found o, double scoreTolerance, double boxTolerance) {
      if (categoryId != o.categoryId || Math.abs(score - o.score) > scoreTolerance) {
        return false;
      }
      for (int k = 0; k < 4; k++) {
        if (Math.abs(bbox[k] - o.bbox[k]) > boxTolerance) {
          return false;
        }
      }
      return true;
    }

    @Override
    public String toString() {
      return categoryId + " " + score + " " + java.util.Arrays.toString(bbox);
    }
  }

  /**
   * Both lists hold the same detections within the tolerances, each paired with its own
   * counterpart, in any order among equal scores (torch sorts ties in no defined order). Only
   * detections scoring at least {@code floor + score} must pair up: below that, a detection may be
   * in one list and not the other without a difference in the computation (its score sits at the
   * score threshold, or among near-equal scores where max_detections cuts the list).
   */
  static void assertSameDetections(
      String what, List<Found> expected, List<Found> actual, double score, double box) {
    double floor = scoreThreshold;
    if (expected.size() == maxDetections || actual.size() == maxDetections) {
      floor = Math.max(floor, Math.min(last(expected), last(actual)));
    }
    assertPaired(what + " (expected -> actual)", expected, actual, score, box, floor);
    assertPaired(what + " (actual -> expected)", actual, expected, score, box, floor);
  }

  private static double last(List<Found> list) {
    return list.isEmpty() ? 0 : list.get(list.size() - 1).score();
  }

  private static void assertPaired(
      String what, List<Found> from, List<Found> to, double score, double box, double floor) {
    boolean[] used = new boolean[to.size()];
    for (int i = 0; i < from.size(); i++) {
      Found f = from.get(i);
      if (f.score() < floor + score) {
        continue;
      }
      int match = -1;
      for (int j = 0; j < to.size() && match < 0; j++) {
        if (!used[j] && to.get(j).matches(f, score, box)) {
          match = j;
        }
      }
      assertThat(match)
          .as("%s: detection %d (%s) has a counterpart in %s", what, i, f, to)
          .isNotNegative();
      used[match] = true;
    }
  }

  @Test
  void reproducesTorchvisionDetections() throws IOException {
    Map<String, List<Row>> detected = rawDetections();

    for (JsonNode image : golden.get("images")) {
      String name = Path.of(image.get("file").asText()).getFileName().toString();
      List<Found> expected = new java.util.ArrayList<>();
      for (JsonNode e : image.get("detections")) {
        JsonNode b = e.get("bbox");
        expected.add(
            new Found(
                e.get("category_id").asInt(),
                e.get("score").asDouble(),
                new double[] {
                  b.get(0).asDouble(), b.get(1).asDouble(), b.get(2).asDouble(), b.get(3).asDouble()
                }));
      }
      List<Found> java = detected.get(name).stream().map(Found::of).toList();
      // Acceptance: boxes within 0.5 px, same classes, scores within 1e-3.
      assertSameDetections(name, expected, java, 1e-3, 0.5);
      for (int i = 1; i < java.size(); i++) {
        assertThat(java.get(i).score())
            .as("%s sorted by score", name)
            .isLessThanOrEqualTo(java.get(i - 1).score());
      }
    }
  }

  @Test
  void tfOdExportGivesTheRawHeadsDetections() throws IOException {
    Map<String, List<Row>> fromRaw = rawDetections();
    Map<String, List<Row>> fromTfod =
        detect(tfod, goldenDir.resolve("golden"), goldenDir.resolve("tfod"));

    assertThat(fromTfod.keySet()).isEqualTo(fromRaw.keySet());
    for (String name : fromRaw.keySet()) {
      assertSameDetections(
          name,
          fromRaw.get(name).stream().map(Found::of).toList(),
          fromTfod.get(name).stream().map(Found::of).toList(),
          1e-4,
          0.01);
    }
  }

  @Test
  void heldOutApThroughEvalCoco(@TempDir Path dir) {
    long heldOutSeed = golden.get("training").get("heldout_data").get("synth_seed").asLong();
    Path data = dir.resolve("heldout");
    SynthGenerator.generate(data, 200, heldOutSeed);

    RunSummary summary =
        EvalCocoJob.run(
            spark,
            EvalCocoConf.ofModel(
                data.resolve("instances.json").toString(),
                InferenceConf.of(
                        data.resolve("images").toString(), dir.resolve("out").toString(), raw)
                    .withBatching(8, 50)));

    assertThat(summary.ok()).isEqualTo(200);
    assertThat((Double) summary.metrics().get("AP")).as("held-out AP").isGreaterThanOrEqualTo(0.5);
  }
}
