package org.mnv2.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnv2.eval.voc.VocClasses;
import org.mnv2.jobs.conf.EvalVocConf;
import org.mnv2.jobs.conf.InferenceConf;
import org.mnv2.model.mask.LabelMask;
import org.mnv2.model.mask.PaletteMasks;
import org.mnv2.synth.SynthGenerator;

/** eval-voc's report.html: the numbers of metrics.json, the heat maps, the worst images. */
class VocReportTest extends SparkTestBase {
  @TempDir static Path data;

  @BeforeAll
  static void generate() {
    SynthGenerator.generate(data, 24, 11);
  }

  @Test
  void predictionsReportHasTheNumbersOfMetricsJson(@TempDir Path dir) throws Exception {
    // Predictions: the ground truth, with the left half of every third image set to background.
    Path voc = data.resolve("voc");
    Path predictions = Files.createDirectories(dir.resolve("predictions"));
    List<Path> masks;
    try (Stream<Path> files = Files.list(voc.resolve("SegmentationClass"))) {
      masks = files.sorted().toList();
    }
    for (int i = 0; i < masks.size(); i++) {
      LabelMask truth = PaletteMasks.decode(Files.readAllBytes(masks.get(i)), "truth");
      byte[] labels = truth.labels();
      for (int p = 0; p < labels.length; p++) {
        if (labels[p] == (byte) 255 || (i % 3 == 0 && p % truth.width() < truth.width() / 2)) {
          labels[p] = 0;
        }
      }
      Files.write(
          predictions.resolve(masks.get(i).getFileName()),
          PaletteMasks.encodePng(labels, truth.width(), truth.height()));
    }
    List<String> names = new ArrayList<>(VocClasses.NAMES);
    names.set(20, "<script>alert(1)</script>");
    Path output = dir.resolve("out");
    EvalVocJob.run(
        spark,
        EvalVocConf.withPredictions(voc.toString(), null, predictions.toString(), output.toString())
            .withLabels(names));

    String html = Reports.read(output);
    JsonNode metrics = Reports.json(output.resolve("metrics.json"));
    JsonNode report = Reports.data(html);
    assertThat(report.get("metrics")).isEqualTo(metrics);
    assertThat(Reports.stats(html))
        .containsEntry("mIoU", Reports.value(metrics.get("mIoU")))
        .containsEntry("pixel_accuracy", Reports.value(metrics.get("pixel_accuracy")))
        .containsEntry("mean_class_accuracy", Reports.value(metrics.get("mean_class_accuracy")));
    List<List<String>> rows = Reports.tableValues(html, "per-class");
    assertThat(rows).hasSize(21);
    for (int i = 0; i < rows.size(); i++) {
      assertThat(rows.get(i).get(2))
          .as(names.get(i))
          .isEqualTo(Reports.value(metrics.get("per_class").get(i).get("IoU")));
    }
    JsonNode gallery = report.get("gallery");
    assertThat(gallery.size()).isEqualTo(8);
    assertThat(gallery.get(0).get("IoU").asDouble()).isLessThan(1.0);
    for (int i = 1; i < gallery.size(); i++) {
      assertThat(gallery.get(i).get("IoU").asDouble())
          .isGreaterThanOrEqualTo(gallery.get(i - 1).get("IoU").asDouble());
    }
    long diagonal = 0;
    long total = 0;
    JsonNode matrix = report.get("confusion").get("matrix");
    for (int i = 0; i < matrix.size(); i++) {
      for (int j = 0; j < matrix.size(); j++) {
        total += matrix.get(i).get(j).asLong();
        diagonal += i == j ? matrix.get(i).get(j).asLong() : 0;
      }
    }
    assertThat(diagonal / (double) total)
        .isCloseTo(
            metrics.get("pixel_accuracy").asDouble(), org.assertj.core.data.Offset.offset(1e-12));
    assertThat(html).doesNotContain("<script>alert(1)").contains("&lt;script&gt;alert(1)");
    Reports.assertSelfContained(html);
    Chromium.check(output.resolve("report.html"), "eval-voc-predictions");
  }

  @Test
  void modelRunReport(@TempDir Path output) throws Exception {
    Path voc = data.resolve("voc");
    EvalVocJob.run(
        spark,
        EvalVocConf.withModel(
            voc.toString(),
            null,
            InferenceConf.of(
                voc.toString(), output.toString(), Fixtures.spec("synth-deeplabv3", null))));

    String html = Reports.read(output);
    assertThat(Reports.data(html).get("metrics"))
        .isEqualTo(Reports.json(output.resolve("metrics.json")));
    assertThat(Reports.data(html).get("gallery").size()).isEqualTo(8);
    Reports.assertSelfContained(html);
    Chromium.check(output.resolve("report.html"), "eval-voc-model-run");
  }
}
