package org.mnv2.jobs;

import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnv2.jobs.conf.InferenceConf;
import org.mnv2.jobs.run.RunSummary;
import org.mnv2.model.spec.ModelSpec;
import org.mnv2.synth.SynthGenerator;
import org.mnv2.udf.ml.ImageClassifier;
import org.mnv2.udf.ml.ImageInference;
import org.mnv2.udf.ml.ImageSegmenter;
import org.mnv2.udf.ml.ObjectDetector;

/**
 * Each task's pipeline stage inside a saved and reloaded {@link PipelineModel}, on a binaryFile
 * DataFrame with columns of its own: every row and column kept in order, and the prediction struct
 * equal, field by field, to the corresponding job's {@code predictions/} row for the same file,
 * error rows (an undecodable file) included.
 */
class PipelineStagesTest extends SparkTestBase {
  private static final String BROKEN = "broken.jpg";

  /** Synthetic images plus one file that is not an image; returns the images folder. */
  private static Path images(Path dir, int n, long seed) throws IOException {
    SynthGenerator.generate(dir.resolve("synth"), n, seed);
    Path images = dir.resolve("synth/images");
    Files.write(images.resolve(BROKEN), "not a JPEG at all".getBytes());
    return images;
  }

  @Test
  void classifierInASavedPipelineGivesTheClassifyJobsPredictions(@TempDir Path dir)
      throws IOException {
    Path images = images(dir, 10, 31);
    ModelSpec spec = Fixtures.spec("synth-mobilenetv2", null);
    RunSummary job =
        ClassifyJob.run(
            spark, InferenceConf.of(images.toString(), dir.resolve("job").toString(), spec));

    List<Row> rows =
        throughSavedPipeline(
            new ImageClassifier().setModel("synth-mobilenetv2").setBatchSize(4), images, dir);

    assertThat(job.images()).isEqualTo(11);
    assertMatchesJob(rows, dir.resolve("job/predictions"), "predictions", 11);
  }

  @Test
  void detectorInASavedPipelineGivesTheDetectJobsPredictions(@TempDir Path dir) throws IOException {
    Path images = images(dir, 8, 32);
    ModelSpec spec = Fixtures.spec("synth-ssdlite", null);
    DetectJob.run(spark, InferenceConf.of(images.toString(), dir.resolve("job").toString(), spec));

    List<Row> rows =
        throughSavedPipeline(new ObjectDetector().setModel("synth-ssdlite"), images, dir);

    assertMatchesJob(rows, dir.resolve("job/predictions"), "detections", 9);
    long boxes =
        rows.stream()
            .map(r -> r.<Row>getAs("prediction"))
            .filter(p -> "ok".equals(p.getAs("status")))
            .mapToLong(p -> p.getList(p.fieldIndex("detections")).size())
            .sum();
    assertThat(boxes).as("detections over the synthetic scenes").isPositive();
  }

  @Test
  void segmenterInASavedPipelineGivesTheSegmentJobsMasks(@TempDir Path dir) throws IOException {
    Path images = images(dir, 6, 33);
    ModelSpec spec = Fixtures.spec("synth-deeplabv3", null);
    SegmentJob.run(spark, InferenceConf.of(images.toString(), dir.resolve("job").toString(), spec));

    List<Row> rows =
        throughSavedPipeline(new ImageSegmenter().setModel("synth-deeplabv3"), images, dir);

    assertMatchesJob(rows, dir.resolve("job/predictions"), "mask_png", 7);
    Map<String, Row> job = jobRows(dir.resolve("job/predictions"));
    for (Row r : rows) {
      Row p = r.getAs("prediction");
      byte[] expected = job.get(name(r.getAs("path"))).getAs("mask_png");
      assertThat(p.<byte[]>getAs("mask_png"))
          .as("mask of %s", name(r.getAs("path")))
          .isEqualTo(expected);
    }
  }

  /**
   * binaryFile rows of {@code images} with two columns of the user's own, through a Pipeline
   * holding {@code stage}: fitted, saved, loaded back, then run. Checks the rows and columns kept.
   */
  private static List<Row> throughSavedPipeline(ImageInference<?> stage, Path images, Path dir)
      throws IOException {
    Dataset<Row> input =
        spark
            .read()
            .format("binaryFile")
            .load(images.toString())
            .withColumn("batch", lit("b-1"))
            .withColumn("row_id", monotonically_increasing_id());
    PipelineModel fitted = new Pipeline().setStages(new PipelineStage[] {stage}).fit(input);
    String saved = dir.resolve("pipeline").toString();
    fitted.write().overwrite().save(saved);

    PipelineModel loaded = PipelineModel.load(saved);
    Dataset<Row> out = loaded.transform(input);
    List<Row> rows = out.collectAsList();

    assertThat(loaded.stages()).hasSize(1);
    assertThat(loaded.stages()[0].getClass()).isEqualTo(stage.getClass());
    assertThat(loaded.stages()[0].uid()).isEqualTo(stage.uid());
    assertThat(out.columns())
        .containsExactly(
            "path", "modificationTime", "length", "content", "batch", "row_id", "prediction");
    List<Row> in = input.select("path", "length", "row_id").collectAsList();
    assertThat(rows)
        .extracting(r -> r.<String>getAs("path"))
        .as("rows in the input's order")
        .containsExactlyElementsOf(in.stream().map(r -> r.getString(0)).toList());
    assertThat(rows)
        .extracting(r -> r.<Long>getAs("row_id"))
        .containsExactlyElementsOf(in.stream().map(r -> r.getLong(2)).toList());
    assertThat(rows).allSatisfy(r -> assertThat(r.<String>getAs("batch")).isEqualTo("b-1"));
    assertThat(rows)
        .allSatisfy(
            r ->
                assertThat((long) ((byte[]) r.getAs("content")).length)
                    .isEqualTo(r.<Long>getAs("length")));
    return rows;
  }

  /** Every row's struct, as JSON, equals the job's row of the same file (same fields). */
  private static void assertMatchesJob(
      List<Row> rows, Path predictions, String taskColumn, int expectedRows) {
    Dataset<Row> job = spark.read().parquet(predictions.toString());
    String[] taskColumns =
        java.util.Arrays.stream(job.columns())
            .dropWhile(c -> !c.equals(taskColumn))
            .toArray(String[]::new);
    Map<String, String> jobJson = new LinkedHashMap<>();
    for (Row r :
        job.selectExpr(
                "image_uri",
                "to_json(struct(width, height, status, error, "
                    + String.join(", ", taskColumns)
                    + "))")
            .collectAsList()) {
      jobJson.put(name(r.getString(0)), r.getString(1));
    }
    Map<String, String> stageJson = new LinkedHashMap<>();
    for (Row r :
        spark
            .createDataFrame(rows, rowsSchema(rows))
            .selectExpr("path", "to_json(prediction)")
            .collectAsList()) {
      stageJson.put(name(r.getString(0)), r.getString(1));
    }

    assertThat(stageJson).hasSize(expectedRows);
    assertThat(stageJson).as("stage structs against the job's rows").isEqualTo(jobJson);
    assertThat(stageJson.get(BROKEN))
        .contains("\"status\":\"error\"")
        .contains("\"error\":\"Cannot decode image: unknown format");
    assertThat(stageJson.values().stream().filter(j -> j.contains("\"status\":\"ok\"")).count())
        .isEqualTo(expectedRows - 1);
  }

  private static org.apache.spark.sql.types.StructType rowsSchema(List<Row> rows) {
    return rows.get(0).schema();
  }

  private static Map<String, Row> jobRows(Path predictions) {
    Map<String, Row> out = new LinkedHashMap<>();
    for (Row r : spark.read().parquet(predictions.toString()).collectAsList()) {
      out.put(name(r.getAs("image_uri")), r);
    }
    return out;
  }

  static String name(String uri) {
    return uri.substring(uri.lastIndexOf('/') + 1);
  }
}
