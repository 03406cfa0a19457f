package org.mnv2.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnv2.jobs.bench.LocalS3;
import org.mnv2.jobs.conf.InferenceConf;
import org.mnv2.synth.SynthGenerator;
import org.mnv2.udf.ml.ImageClassifier;

/**
 * The classification stage on a DataFrame of {@code s3a://} URIs against the loopback S3 server,
 * with the model read from {@code s3a://} too: in a saved and reloaded PipelineModel it gives the
 * classify job's predictions for the same images read from local files, a missing object and a null
 * URI become error rows beside them, and the model object is read once per transform, by the
 * driver.
 */
@Tag("s3")
class PipelineStagesS3Test extends SparkTestBase {
  private static final String MODEL_KEY = "models/synth-mobilenetv2.onnx";
  private static final StructType URIS =
      new StructType()
          .add("id", DataTypes.IntegerType, false)
          .add("uri", DataTypes.StringType, true);

  @TempDir static Path dir;
  private static LocalS3 s3;
  private static Path images;

  @BeforeAll
  static void startS3() throws IOException {
    SynthGenerator.generate(dir.resolve("synth"), 9, 41);
    images = dir.resolve("synth/images");
    s3 = SparkTestBase.localS3(dir.resolve("s3"), "test-secret-not-a-real-one", "data");
    s3.configure(spark.sparkContext().hadoopConfiguration());
    FileSystem fs =
        FileSystem.get(
            java.net.URI.create("s3a://data/"), spark.sparkContext().hadoopConfiguration());
    fs.copyFromLocalFile(
        new org.apache.hadoop.fs.Path(images.toUri()),
        new org.apache.hadoop.fs.Path("s3a://data/photos"));
    fs.copyFromLocalFile(
        new org.apache.hadoop.fs.Path(
            projectRoot().resolve("conf/models/synth-mobilenetv2.onnx").toUri()),
        new org.apache.hadoop.fs.Path("s3a://data/" + MODEL_KEY));
  }

  @AfterAll
  static void stopS3() {
    if (s3 != null) {
      s3.close();
    }
  }

  @Test
  void classifiesAColumnOfS3aUrisAsTheJobClassifiesTheFiles() throws IOException {
    ClassifyJob.run(
        spark,
        InferenceConf.of(
            images.toString(),
            dir.resolve("job").toString(),
            Fixtures.spec("synth-mobilenetv2", null)));
    Map<String, String> job = new LinkedHashMap<>();
    for (Row r :
        spark
            .read()
            .parquet(dir.resolve("job/predictions").toString())
            .selectExpr(
                "regexp_extract(image_uri, '[^/]+$', 0)",
                "to_json(struct(width, height, status, error, predictions))")
            .collectAsList()) {
      job.put(r.getString(0), r.getString(1));
    }
    List<Row> uris = new ArrayList<>();
    List<String> names;
    try (Stream<Path> files = Files.list(images)) {
      names = files.map(p -> p.getFileName().toString()).sorted().toList();
    }
    for (String name : names) {
      uris.add(RowFactory.create(uris.size(), "s3a://data/photos/" + name));
    }
    uris.add(RowFactory.create(uris.size(), "s3a://data/photos/missing.jpg"));
    uris.add(RowFactory.create(uris.size(), null));
    Dataset<Row> input =
        spark.createDataFrame(
            JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(uris, 2), URIS);
    ImageClassifier stage =
        new ImageClassifier()
            .setModel("synth-mobilenetv2")
            .setModelUri("s3a://data/" + MODEL_KEY)
            .setInputCol("uri")
            .setOutputCol("top5");
    new Pipeline()
        .setStages(new PipelineStage[] {stage})
        .fit(input)
        .write()
        .save(dir.resolve("pipeline").toString());
    PipelineModel loaded = PipelineModel.load(dir.resolve("pipeline").toString());
    int requestsBefore = s3.link().requests().size();

    List<Row> rows =
        loaded
            .transform(input)
            .selectExpr("id", "uri", "to_json(top5)", "top5.error")
            .collectAsList();

    List<String> modelReads =
        s3.link().requests().subList(requestsBefore, s3.link().requests().size()).stream()
            .filter(r -> r.startsWith("GET /data/" + MODEL_KEY))
            .toList();
    assertThat(modelReads).as("GETs of the model object (the driver's one read)").hasSize(1);
    assertThat(rows)
        .extracting(r -> r.getInt(0))
        .as("every row, in order")
        .containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
    for (int i = 0; i < names.size(); i++) {
      assertThat(rows.get(i).getString(1)).isEqualTo("s3a://data/photos/" + names.get(i));
      assertThat(rows.get(i).getString(2)).as(names.get(i)).isEqualTo(job.get(names.get(i)));
      assertThat(rows.get(i).getString(2)).contains("\"status\":\"ok\"");
    }
    assertThat(rows.get(9).getString(2)).contains("\"status\":\"error\"");
    assertThat(rows.get(9).getString(3))
        .startsWith("Cannot read image: ")
        .contains("s3a://data/photos/missing.jpg");
    assertThat(rows.get(10).isNullAt(1)).isTrue();
    assertThat(rows.get(10).getString(3)).isEqualTo("Cannot read image: column 'uri' is null");
  }
}
