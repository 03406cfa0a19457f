package org.mnv2.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnv2.jobs.bench.LocalS3;
import org.mnv2.jobs.conf.InferenceConf;
import org.mnv2.jobs.conf.LabelConf;
import org.mnv2.jobs.run.RunSummary;
import org.mnv2.jobs.storage.OutputCommitters;
import org.mnv2.model.spec.ModelSpec;

/**
 * Jobs from {@code s3a://} to {@code s3a://} against the loopback S3 server: classify, detect and
 * segment give the same rows as their local-file runs, Parquet is committed by the S3A magic
 * committer, and the model is read once, by the driver.
 */
@Tag("s3")
class ObjectStorageTest extends SparkTestBase {
  private static final String MODEL_KEY = "models/mobilenetv2-12-int8.onnx";

  /** Four of coco128's smallest photos: enough for several detections, cheap to run twice. */
  private static final List<String> COCO_IMAGES =
      List.of("000000000143.jpg", "000000000326.jpg", "000000000349.jpg", "000000000359.jpg");

  @TempDir static Path dir;
  private static LocalS3 s3;

  @BeforeAll
  static void startS3() throws IOException {
    Path images = fixture("imagenet/images");
    Path model = fixture("models/mobilenetv2-12-int8.onnx");
    s3 = SparkTestBase.localS3(dir.resolve("s3"), "test-secret-not-a-real-one", "data", "out");
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    s3.configure(conf);
    FileSystem fs = FileSystem.get(java.net.URI.create("s3a://data/"), conf);
    fs.copyFromLocalFile(
        new org.apache.hadoop.fs.Path(images.toUri()),
        new org.apache.hadoop.fs.Path("s3a://data/imagenet/images"));
    fs.copyFromLocalFile(
        new org.apache.hadoop.fs.Path(model.toUri()),
        new org.apache.hadoop.fs.Path("s3a://data/" + MODEL_KEY));
    Path coco = Files.createDirectories(dir.resolve("coco"));
    for (String name : COCO_IMAGES) {
      Files.copy(fixture("coco/coco128-part1/images").resolve(name), coco.resolve(name));
    }
    fs.copyFromLocalFile(
        new org.apache.hadoop.fs.Path(coco.toUri()),
        new org.apache.hadoop.fs.Path("s3a://data/coco/images"));
    fs.copyFromLocalFile(
        new org.apache.hadoop.fs.Path(fixture("voc/JPEGImages").toUri()),
        new org.apache.hadoop.fs.Path("s3a://data/voc/images"));
  }

  @AfterAll
  static void stopS3() {
    if (s3 != null) {
      s3.close();
    }
  }

  @Test
  void classifiesFromS3ToS3AsFromLocalFiles() throws IOException {
    ModelSpec local =
        Fixtures.spec("mobilenetv2-onnx-zoo", fixture("models/mobilenetv2-12-int8.onnx"));
    RunSummary fromFiles =
        ClassifyJob.run(
            spark,
            InferenceConf.of(
                    fixture("imagenet/images").toString(), dir.resolve("local").toString(), local)
                .withBatching(8, 4));
    int requestsBefore = s3.link().requests().size();

    RunSummary fromS3 =
        ClassifyJob.run(
            spark,
            InferenceConf.of(
                    "s3a://data/imagenet/images",
                    "s3a://out/classify",
                    local.withUri("s3a://data/" + MODEL_KEY))
                .withBatching(8, 4));

    assertThat(fromS3.images()).isEqualTo(17);
    assertThat(fromS3.ok()).isEqualTo(fromFiles.ok()).isEqualTo(17);
    assertThat(rows("s3a://out/classify/predictions"))
        .as("rows from s3a:// against rows from local files")
        .containsExactlyElementsOf(rows(dir.resolve("local/predictions").toString()));
    assertThat(successMarker("s3a://out/classify/predictions").path("committer").asText())
        .as("committer named in _SUCCESS")
        .isEqualTo("magic");
    List<String> modelReads =
        s3.link().requests().subList(requestsBefore, s3.link().requests().size()).stream()
            .filter(r -> r.startsWith("GET /data/" + MODEL_KEY))
            .toList();
    assertThat(modelReads).as("GETs of the model object (the driver's one read)").hasSize(1);
    assertThat(json("s3a://out/classify/summary.json").path("images").asLong()).isEqualTo(17);
  }

  @Test
  void detectsFromS3ToS3AsFromLocalFiles() throws IOException {
    ModelSpec spec = Fixtures.spec("yolox-coco", fixture("models/yolox-nano-coco-416.onnx"));
    RunSummary fromFiles =
        DetectJob.run(
            spark,
            InferenceConf.of(
                dir.resolve("coco").toString(), dir.resolve("local-detect").toString(), spec));

    RunSummary fromS3 =
        DetectJob.run(spark, InferenceConf.of("s3a://data/coco/images", "s3a://out/detect", spec));

    assertThat(fromS3.ok()).isEqualTo(fromFiles.ok()).isEqualTo(COCO_IMAGES.size());
    assertThat(rows("s3a://out/detect/predictions"))
        .as("detections from s3a:// against detections from local files")
        .containsExactlyElementsOf(rows(dir.resolve("local-detect/predictions").toString()))
        .allSatisfy(r -> assertThat(r).contains("\"category_id\""));
    assertThat(successMarker("s3a://out/detect/predictions").path("committer").asText())
        .isEqualTo("magic");
  }

  @Test
  void segmentsFromS3ToS3AsFromLocalFiles() throws IOException {
    ModelSpec spec =
        Fixtures.spec(
            "deeplabv3-mobilenetv2-tf", fixture("models/deeplabv3-mobilenetv2-dm05-voc-257.onnx"));
    RunSummary fromFiles =
        SegmentJob.run(
            spark,
            InferenceConf.of(
                fixture("voc/JPEGImages").toString(),
                dir.resolve("local-segment").toString(),
                spec));

    RunSummary fromS3 =
        SegmentJob.run(spark, InferenceConf.of("s3a://data/voc/images", "s3a://out/segment", spec));

    assertThat(fromS3.ok()).isEqualTo(fromFiles.ok()).isEqualTo(2);
    assertThat(rows("s3a://out/segment/predictions"))
        .as("masks and class pixels from s3a:// against those from local files")
        .containsExactlyElementsOf(rows(dir.resolve("local-segment/predictions").toString()));
    assertThat(successMarker("s3a://out/segment/predictions").path("committer").asText())
        .isEqualTo("magic");
  }

  @Test
  void choosesTheMagicCommitterOnlyForS3aAndKeepsTheUsersChoice() {
    SparkSession local = spark.newSession(); // fresh SQL settings, same SparkContext
    SparkSession s3a = spark.newSession();
    SparkSession directory = spark.newSession();
    directory.conf().set(OutputCommitters.S3A_COMMITTER, "directory");
    SparkSession own = spark.newSession();
    own.conf().set(OutputCommitters.PROTOCOL, "org.example.OwnCommitProtocol");

    OutputCommitters.configure(local, dir.resolve("x").toString());
    Runnable restoreS3a = OutputCommitters.configure(s3a, "s3a://out/x");
    Runnable restoreDirectory = OutputCommitters.configure(directory, "s3a://out/x");
    OutputCommitters.configure(own, "s3a://out/x");

    assertThat(local.conf().get(OutputCommitters.PROTOCOL))
        .isEqualTo(OutputCommitters.SPARK_DEFAULT_PROTOCOL);
    assertThat(s3a.conf().get(OutputCommitters.PROTOCOL))
        .isEqualTo(OutputCommitters.CLOUD_PROTOCOL);
    assertThat(s3a.conf().get(OutputCommitters.PARQUET_COMMITTER))
        .isEqualTo(OutputCommitters.CLOUD_PARQUET_COMMITTER);
    assertThat(s3a.conf().get(OutputCommitters.S3A_COMMITTER)).isEqualTo("magic");
    assertThat(directory.conf().get(OutputCommitters.S3A_COMMITTER)).isEqualTo("directory");
    assertThat(directory.conf().get(OutputCommitters.PROTOCOL))
        .isEqualTo(OutputCommitters.CLOUD_PROTOCOL);
    assertThat(own.conf().get(OutputCommitters.PROTOCOL))
        .isEqualTo("org.example.OwnCommitProtocol");
    assertThat(own.conf().getOption(OutputCommitters.S3A_COMMITTER).isDefined()).isFalse();

    // A run puts the session back as it found it: the next run (to another store) starts clean.
    restoreS3a.run();
    restoreDirectory.run();
    assertThat(s3a.conf().get(OutputCommitters.PROTOCOL))
        .isEqualTo(OutputCommitters.SPARK_DEFAULT_PROTOCOL);
    assertThat(s3a.conf().get(OutputCommitters.PARQUET_COMMITTER))
        .isEqualTo(OutputCommitters.PARQUET_DEFAULT_COMMITTER);
    assertThat(s3a.conf().getOption(OutputCommitters.S3A_COMMITTER).isDefined()).isFalse();
    assertThat(directory.conf().get(OutputCommitters.S3A_COMMITTER)).isEqualTo("directory");
    assertThat(directory.conf().get(OutputCommitters.PROTOCOL))
        .isEqualTo(OutputCommitters.SPARK_DEFAULT_PROTOCOL);
  }

  @Test
  void labelsOnlyNewImagesFromS3aToS3a() throws IOException {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    FileSystem fs = FileSystem.get(java.net.URI.create("s3a://data/"), conf);
    List<Path> photos;
    try (var files = Files.list(fixture("imagenet/images"))) {
      photos = files.sorted().toList();
    }
    ModelSpec spec = Fixtures.spec("synth-mobilenetv2", null);
    LabelConf label =
        LabelConf.of(InferenceConf.of("s3a://data/label/in", "s3a://out/label", spec));
    for (Path p : photos.subList(0, 10)) {
      fs.copyFromLocalFile(
          new org.apache.hadoop.fs.Path(p.toUri()),
          new org.apache.hadoop.fs.Path("s3a://data/label/in/" + p.getFileName()));
    }

    long first = LabelJob.run(spark, label).images();
    for (Path p : photos.subList(10, photos.size())) {
      fs.copyFromLocalFile(
          new org.apache.hadoop.fs.Path(p.toUri()),
          new org.apache.hadoop.fs.Path("s3a://data/label/in/" + p.getFileName()));
    }
    long second = LabelJob.run(spark, label).images();
    long third = LabelJob.run(spark, label).images();

    assertThat(List.of(first, second, third)).containsExactly(10L, (long) photos.size() - 10, 0L);
    assertThat(
            spark
                .read()
                .parquet("s3a://out/label/predictions")
                .selectExpr("count(*)", "count(DISTINCT image_uri)", "count_if(status = 'ok')")
                .first()
                .toString())
        .isEqualTo("[" + photos.size() + "," + photos.size() + "," + photos.size() + "]");
    assertThat(spark.read().parquet("s3a://out/label/runs").count()).isEqualTo(3);
  }

  /** Predictions by file name, with every column that does not name the run or the location. */
  static List<String> rows(String predictions) {
    return spark
        .read()
        .parquet(predictions)
        .selectExpr("regexp_extract(image_uri, '[^/]+$', 0) AS file", "*")
        .drop("image_uri", "run_id")
        .selectExpr("file", "to_json(struct(*)) AS rest")
        .orderBy("file")
        .collectAsList()
        .stream()
        .map((Row r) -> r.getString(0) + " " + r.getString(1))
        .toList();
  }

  static JsonNode successMarker(String dir) throws IOException {
    return json(dir + "/_SUCCESS");
  }

  static JsonNode json(String uri) throws IOException {
    org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(uri);
    try (InputStream in =
        path.getFileSystem(spark.sparkContext().hadoopConfiguration()).open(path)) {
      return new ObjectMapper().readTree(in);
    }
  }
}
