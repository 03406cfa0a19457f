package org.mnv2.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnv2.jobs.conf.InferenceConf;
import org.mnv2.synth.SynthGenerator;

/** classify --labels' report.html: top-1 / top-5 of metrics.json, per class, confusions. */
class ClassifyReportTest extends SparkTestBase {

  @Test
  void reportHasTheNumbersOfMetricsJson(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("data");
    SynthGenerator.generate(data, 48, 5);
    // Every fourth label moved to the next class: those images are misclassified for sure.
    List<String> lines = Files.readAllLines(data.resolve("labels.csv"));
    List<String> header = List.of(lines.get(0).split(","));
    int column = header.indexOf("class_index");
    List<String> relabelled = new ArrayList<>(List.of(lines.get(0)));
    for (int i = 1; i < lines.size(); i++) {
      String[] f = lines.get(i).split(",");
      if (i % 4 == 0) {
        f[column] = Integer.toString((Integer.parseInt(f[column]) + 1) % 4);
      }
      relabelled.add(String.join(",", f));
    }
    Path labels = Files.write(dir.resolve("labels.csv"), relabelled);
    Path output = dir.resolve("out");
    ClassifyJob.run(
        spark,
        InferenceConf.of(
                data.resolve("images").toString(),
                output.toString(),
                Fixtures.spec("synth-mobilenetv2", null))
            .withLabels(labels.toString()));

    String html = Reports.read(output);
    JsonNode metrics = Reports.json(output.resolve("metrics.json"));
    JsonNode report = Reports.data(html);
    assertThat(report.get("metrics")).isEqualTo(metrics);
    assertThat(Reports.stats(html))
        .containsEntry("top1", Reports.value(metrics.get("top1")))
        .containsEntry("top5", Reports.value(metrics.get("top5")));
    long images = 0;
    double correct = 0;
    for (JsonNode c : report.get("per_class")) {
      images += c.get("images").asLong();
      correct += c.get("accuracy").asDouble() * c.get("images").asLong();
    }
    assertThat(images).isEqualTo(metrics.get("labelled_images").asLong());
    assertThat(correct / images)
        .isCloseTo(metrics.get("top1").asDouble(), org.assertj.core.data.Offset.offset(1e-9));
    assertThat(report.get("confusions").size()).isPositive();
    assertThat(report.get("gallery").size()).isPositive();
    Reports.assertSelfContained(html);
    Chromium.check(output.resolve("report.html"), "classify-labels");
  }
}
