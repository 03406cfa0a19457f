package org.mnv2.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnv2.eval.coco.CocoStats;
import org.mnv2.jobs.conf.EvalCocoConf;
import org.mnv2.jobs.conf.OutputMode;
import org.mnv2.jobs.run.RunSummary;
import org.mnv2.model.UsageException;

/**
 * eval-coco on Spark against pycocotools' own reference case (fixtures/coco/val2014-100-golden),
 * and its answers to bad input.
 */
class EvalCocoGoldenTest extends SparkTestBase {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String ONE_IMAGE_GT =
      "{\"images\": [{\"id\": 1, \"file_name\": \"a.jpg\", \"width\": 100, \"height\": 100}],"
          + " \"annotations\": [{\"id\": 1, \"image_id\": 1, \"category_id\": 3, \"bbox\": [10, 10,"
          + " 20, 20], \"area\": 400, \"iscrowd\": 0}], \"categories\": [{\"id\": 3, \"name\":"
          + " \"car\"}]}";

  @Test
  void reproducesTheTwelvePycocotoolsStats(@TempDir Path dir) throws IOException {
    Path golden = fixture("coco/val2014-100-golden");
    Path results = golden.resolve("instances_val2014_fakebbox100_results.json");
    JsonNode expected = JSON.readTree(golden.resolve("expected_cocoeval_stats.json").toFile());
    Path out = dir.resolve("out");

    RunSummary summary =
        EvalCocoJob.run(
            spark,
            EvalCocoConf.ofDetections(
                golden.resolve("instances_val2014_100.json").toString(),
                results.toString(),
                out.toString(),
                OutputMode.ERROR));

    JsonNode metrics = JSON.readTree(out.resolve("metrics.json").toFile());
    for (int i = 0; i < CocoStats.NAMES.size(); i++) {
      String name = CocoStats.NAMES.get(i);
      double want = expected.get("bbox").get(i).asDouble();
      assertThat((Double) summary.metrics().get(name)).as(name).isCloseTo(want, within(1e-9));
      assertThat(metrics.get("stats").get(name).asDouble())
          .as("metrics.json " + name)
          .isEqualTo((Double) summary.metrics().get(name));
    }
    assertThat(metrics.get("task").asText()).isEqualTo("detection");
    assertThat(metrics.get("images").asInt()).isEqualTo(100);
    assertThat(metrics.get("per_category")).hasSize(80);
    assertThat(Files.readAllBytes(out.resolve("detections.json")))
        .as("detections.json is the evaluated file")
        .isEqualTo(Files.readAllBytes(results));
    List<Row> rows =
        spark
            .read()
            .parquet(out.resolve("metrics").toString())
            .where("category_id IS NULL")
            .collectAsList();
    assertThat(rows).hasSize(12);
    assertThat(Files.exists(out.resolve("summary.json"))).isTrue();
  }

  @Test
  void malformedAnnotationsAreAUsageError(@TempDir Path dir) throws IOException {
    Path gt = Files.writeString(dir.resolve("gt.json"), "{\"images\": [");
    Path dt = Files.writeString(dir.resolve("dt.json"), "[]");

    assertThatThrownBy(() -> evaluate(gt, dt, dir))
        .isInstanceOf(UsageException.class)
        .hasMessageStartingWith("Cannot read COCO annotations " + gt);
  }

  @Test
  void missingAnnotationsFileIsAUsageError(@TempDir Path dir) throws IOException {
    Path dt = Files.writeString(dir.resolve("dt.json"), "[]");

    assertThatThrownBy(() -> evaluate(dir.resolve("nope.json"), dt, dir))
        .isInstanceOf(UsageException.class)
        .hasMessage(
            "Cannot read --annotations "
                + dir.resolve("nope.json")
                + ": no such file (expected a COCO instances JSON file)");
  }

  @Test
  void emptyResultsAreAUsageError(@TempDir Path dir) throws IOException {
    Path gt = Files.writeString(dir.resolve("gt.json"), ONE_IMAGE_GT);
    Path dt = Files.writeString(dir.resolve("dt.json"), "[]");

    assertThatThrownBy(() -> evaluate(gt, dt, dir))
        .isInstanceOf(UsageException.class)
        .hasMessage(
            "Cannot read COCO results "
                + dt
                + ": the results list is empty (expected at least one detection, got 0)");
  }

  @Test
  void resultsOnAnUnknownImageOrCategoryAreUsageErrors(@TempDir Path dir) throws IOException {
    Path gt = Files.writeString(dir.resolve("gt.json"), ONE_IMAGE_GT);
    Path unknownImage =
        Files.writeString(
            dir.resolve("image.json"),
            "[{\"image_id\": 1, \"category_id\": 3, \"bbox\": [10, 10, 20, 20], \"score\": 0.9},"
                + " {\"image_id\": 2, \"category_id\": 3, \"bbox\": [1, 1, 2, 2], \"score\": 0.5}]");
    Path unknownCategory =
        Files.writeString(
            dir.resolve("category.json"),
            "[{\"image_id\": 1, \"category_id\": 2, \"bbox\": [10, 10, 20, 20], \"score\": 0.9}]");

    assertThatThrownBy(() -> evaluate(gt, unknownImage, dir))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("results[1] names image 2, which the annotations do not have");
    assertThatThrownBy(() -> evaluate(gt, unknownCategory, dir))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining(
            "results[0] names category 2, which the annotations do not have (expected one of [3],"
                + " got 2)");
  }

  @Test
  void negativeBoxesAreRefusedAndZeroSizeBoxesEvaluated(@TempDir Path dir) throws IOException {
    Path gt = Files.writeString(dir.resolve("gt.json"), ONE_IMAGE_GT);
    Path negative =
        Files.writeString(
            dir.resolve("negative.json"),
            "[{\"image_id\": 1, \"category_id\": 3, \"bbox\": [10, 10, 30, -30], \"score\": 0.9}]");
    // pycocotools keeps zero-size boxes: they match nothing and rank first here, so precision at
    // every recall is 1/2 after the exact match: AP = 0.5 at every threshold.
    Path zero =
        Files.writeString(
            dir.resolve("zero.json"),
            "[{\"image_id\": 1, \"category_id\": 3, \"bbox\": [10, 10, 0, 20], \"score\": 0.9},"
                + " {\"image_id\": 1, \"category_id\": 3, \"bbox\": [10, 10, 20, 20], \"score\":"
                + " 0.8}]");

    assertThatThrownBy(() -> evaluate(gt, negative, dir))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("negative size");
    RunSummary summary = evaluate(gt, zero, dir);
    assertThat((Double) summary.metrics().get("AP")).isCloseTo(0.5, within(1e-12));
    assertThat((Double) summary.metrics().get("AR100")).isCloseTo(1.0, within(1e-12));
  }

  private static RunSummary evaluate(Path gt, Path dt, Path dir) {
    return EvalCocoJob.run(
        spark,
        EvalCocoConf.ofDetections(
            gt.toString(), dt.toString(), dir.resolve("out").toString(), OutputMode.OVERWRITE));
  }
}
