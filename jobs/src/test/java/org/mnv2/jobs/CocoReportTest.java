package org.mnv2.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnv2.jobs.conf.EvalCocoConf;
import org.mnv2.jobs.conf.InferenceConf;
import org.mnv2.jobs.conf.OutputMode;

/** eval-coco's report.html: its numbers are metrics.json's, it is self-contained, names escaped. */
class CocoReportTest extends SparkTestBase {

  @Test
  void resultsFileReportHasTheNumbersOfMetricsJson(@TempDir Path output) throws Exception {
    Path golden = fixture("coco/val2014-100-golden");
    EvalCocoJob.run(
        spark,
        EvalCocoConf.ofDetections(
            golden.resolve("instances_val2014_100.json").toString(),
            golden.resolve("instances_val2014_fakebbox100_results.json").toString(),
            output.toString(),
            OutputMode.ERROR));

    String html = Reports.read(output);
    JsonNode metrics = Reports.json(output.resolve("metrics.json"));
    JsonNode data = Reports.data(html);
    assertThat(data.get("metrics")).isEqualTo(metrics);
    Map<String, String> stats = Reports.stats(html);
    assertThat(stats).hasSize(12);
    metrics
        .get("stats")
        .fields()
        .forEachRemaining(
            e ->
                assertThat(stats.get(e.getKey()))
                    .as(e.getKey())
                    .isEqualTo(Reports.value(e.getValue())));
    List<List<String>> rows = Reports.tableValues(html, "per-category");
    JsonNode perCategory = metrics.get("per_category");
    assertThat(rows).hasSize(perCategory.size());
    for (int i = 0; i < rows.size(); i++) {
      assertThat(rows.get(i).get(1)).isEqualTo(perCategory.get(i).get("category_id").asText());
      assertThat(rows.get(i).get(2))
          .as(perCategory.get(i).get("name").asText())
          .isEqualTo(Reports.value(perCategory.get(i).get("AP")));
    }
    // AP50 of the table, averaged like COCOeval averages it, is the AP50 stat.
    double sum = 0;
    int n = 0;
    for (JsonNode c : data.get("per_category_detail")) {
      if (!c.get("AP50").isNull()) {
        sum += c.get("AP50").asDouble();
        n++;
      }
    }
    assertThat(sum / n).isCloseTo(metrics.get("stats").get("AP50").asDouble(), within(1e-12));
    JsonNode confusion = data.get("confusion");
    assertThat(confusion.get("labels").get(confusion.get("labels").size() - 1).asText())
        .isEqualTo("background");
    assertThat(data.get("gallery").size()).isEqualTo(12);
    Reports.assertSelfContained(html);
    assertThat(html).contains("image not available");
    Chromium.check(output.resolve("report.html"), "eval-coco-results-file");
  }

  @Test
  void modelRunReportDrawsTheImages(@TempDir Path output) throws Exception {
    Path coco = fixture("coco/coco128-part1");
    Path onnx = fixture("models/yolox-nano-coco-416.onnx");
    InferenceConf inference =
        InferenceConf.of(
            coco.resolve("images").toString(),
            output.toString(),
            Fixtures.spec("yolox-coco", onnx));
    EvalCocoJob.run(
        spark, EvalCocoConf.ofModel(coco.resolve("instances.json").toString(), inference));

    String html = Reports.read(output);
    JsonNode metrics = Reports.json(output.resolve("metrics.json"));
    assertThat(Reports.data(html).get("metrics")).isEqualTo(metrics);
    assertThat(Reports.data(html).get("gallery").size()).isPositive();
    assertThat(html).doesNotContain("image not available");
    Reports.assertSelfContained(html);
    Chromium.check(output.resolve("report.html"), "eval-coco-model-run");
  }

  @Test
  void namesFromUserFilesAreShownAsText(@TempDir Path dir) throws Exception {
    Path annotations =
        Files.writeString(
            dir.resolve("instances.json"),
            """
            {"images": [{"id": 1, "file_name": "it's \\"quoted\\" <b>.jpg", "width": 64,
              "height": 48}],
             "annotations": [{"id": 1, "image_id": 1, "category_id": 7, "bbox": [4, 4, 20, 20],
              "area": 400, "iscrowd": 0}],
             "categories": [{"id": 7, "name": "<script>alert(1)</script>"}]}
            """);
    Path results =
        Files.writeString(
            dir.resolve("results.json"),
            """
            [{"image_id": 1, "category_id": 7, "bbox": [40, 30, 10, 10], "score": 0.9}]
            """);
    Path output = dir.resolve("out");
    EvalCocoJob.run(
        spark,
        EvalCocoConf.ofDetections(
            annotations.toString(), results.toString(), output.toString(), OutputMode.ERROR));

    String html = Reports.read(output);
    assertThat(html)
        .doesNotContain("<script>alert(1)")
        .contains("&lt;script&gt;alert(1)&lt;/script&gt;")
        .doesNotContain("<b>.jpg")
        .contains("it&#39;s &quot;quoted&quot; &lt;b&gt;.jpg");
    JsonNode data = Reports.data(html);
    assertThat(data.get("metrics").get("per_category").get(0).get("name").asText())
        .isEqualTo("<script>alert(1)</script>");
    assertThat(data.get("gallery").get(0).get("file_name").asText())
        .isEqualTo("it's \"quoted\" <b>.jpg");
    assertThat(html.split("<script", -1)).hasSize(3); // the data block and the page script only
    Chromium.check(output.resolve("report.html"), "eval-coco-escaped-names");
  }

  private static org.assertj.core.data.Offset<Double> within(double tolerance) {
    return org.assertj.core.data.Offset.offset(tolerance);
  }
}
