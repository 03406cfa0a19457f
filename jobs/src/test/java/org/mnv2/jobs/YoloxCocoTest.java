package org.mnv2.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnv2.eval.coco.CocoStats;
import org.mnv2.jobs.conf.EvalCocoConf;
import org.mnv2.jobs.conf.InferenceConf;
import org.mnv2.jobs.conf.OutputMode;
import org.mnv2.jobs.run.RunSummary;
import org.mnv2.model.spec.ModelSpec;
import org.mnv2.udf.ImageFunctions;
import org.mnv2.udf.TaskOptions;

/**
 * A real COCO detector on real COCO images: YOLOX-Nano (fixtures/models) through the shipped spec
 * {@code yolox-coco}, evaluated on fixtures/coco/coco128-part1 against the reference run recorded
 * in PROVENANCE.md (AP 0.3445, AP50 0.5487 with pycocotools); and the SQL function on two images.
 */
class YoloxCocoTest extends SparkTestBase {
  static final double REFERENCE_AP = 0.3445;
  static final double REFERENCE_AP50 = 0.5487;

  static ModelSpec spec() {
    return Fixtures.spec("yolox-coco", fixture("models/yolox-nano-coco-416.onnx"));
  }

  @Test
  void coco128ApMatchesTheReferenceRun(@TempDir Path dir) {
    Path coco = fixture("coco/coco128-part1");
    Path out = dir.resolve("model");
    InferenceConf inference =
        InferenceConf.of(coco.resolve("images").toString(), out.toString(), spec())
            .withBatching(8, 16);

    RunSummary summary =
        EvalCocoJob.run(
            spark, EvalCocoConf.ofModel(coco.resolve("instances.json").toString(), inference));

    assertThat(summary.images()).isEqualTo(64);
    assertThat(summary.ok()).isEqualTo(64);
    assertThat((Double) summary.metrics().get("AP"))
        .as("AP vs the reference run")
        .isCloseTo(REFERENCE_AP, within(0.01));
    assertThat((Double) summary.metrics().get("AP50"))
        .as("AP50 vs the reference run")
        .isCloseTo(REFERENCE_AP50, within(0.01));
    // The written detections.json, evaluated as a results file, gives the same stats to the bit.
    RunSummary again =
        EvalCocoJob.run(
            spark,
            EvalCocoConf.ofDetections(
                coco.resolve("instances.json").toString(),
                out.resolve("detections.json").toString(),
                dir.resolve("file").toString(),
                OutputMode.ERROR));
    for (String stat : CocoStats.NAMES) {
      assertThat(again.metrics().get(stat)).as(stat).isEqualTo(summary.metrics().get(stat));
    }
    // PROVENANCE.md: a bowl (0.88) near the ground truth [312, 4, 319, 229] on 000000000009.jpg.
    Row bowl =
        spark
            .read()
            .parquet(out.resolve("predictions").toString())
            .where("image_uri LIKE '%000000000009.jpg'")
            .selectExpr("filter(detections, d -> d.label = 'bowl')[0]")
            .first()
            .getStruct(0);
    assertThat(bowl.getInt(0)).as("COCO category id of bowl").isEqualTo(51);
    assertThat(bowl.getFloat(2)).isCloseTo(0.88f, within(0.03f));
    List<Float> box = bowl.getList(3);
    assertThat(iou(box, List.of(312f, 4f, 319f, 229f))).isGreaterThan(0.8);
  }

  @Test
  void detectObjectsInSqlAgreesWithTheJob(@TempDir Path dir) throws Exception {
    Path images = Files.createDirectories(dir.resolve("images"));
    Path coco = fixture("coco/coco128-part1/images");
    for (String name : List.of("000000000009.jpg", "000000000074.jpg")) {
      Files.copy(coco.resolve(name), images.resolve(name));
    }
    ModelSpec spec = spec();
    DetectJob.run(
        spark,
        InferenceConf.of(images.toString(), dir.resolve("out").toString(), spec)
            .withBatching(1, 1));

    String function = ImageFunctions.register(spark, spec, new TaskOptions(5, 0.3, 0));
    spark.read().format("binaryFile").load(images.toString()).createOrReplaceTempView("images");
    List<Row> sql =
        spark
            .sql(
                "SELECT regexp_extract(path, '[^/]+$', 0) AS file, "
                    + function
                    + "(content) AS detections FROM images ORDER BY file")
            .collectAsList();
    List<Row> job =
        spark
            .read()
            .parquet(dir.resolve("out/predictions").toString())
            .selectExpr(
                "regexp_extract(image_uri, '[^/]+$', 0) AS file",
                "filter(detections, d -> d.score >= 0.3) AS detections")
            .orderBy("file")
            .collectAsList();

    assertThat(function).isEqualTo("detect_objects");
    assertThat(sql).hasSize(2);
    assertThat(sql).isEqualTo(job);
    // PROVENANCE.md: a bicycle (0.91) and a dog (0.83) on 000000000074.jpg.
    List<Row> street = sql.get(1).getList(1);
    assertThat(street).extracting(r -> r.getString(1)).contains("bicycle", "dog");
  }

  private static double iou(List<Float> a, List<Float> b) {
    double ix = Math.min(a.get(0) + a.get(2), b.get(0) + b.get(2)) - Math.max(a.get(0), b.get(0));
    double iy = Math.min(a.get(1) + a.get(3), b.get(1) + b.get(3)) - Math.max(a.get(1), b.get(1));
    double inter = Math.max(0, ix) * Math.max(0, iy);
    return inter / (a.get(2) * a.get(3) + b.get(2) * b.get(3) - inter);
  }
}
