package org.mnv2.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnv2.jobs.conf.InferenceConf;
import org.mnv2.jobs.conf.LabelConf;
import org.mnv2.jobs.labelling.LabelState;
import org.mnv2.jobs.labelling.RunLock;
import org.mnv2.jobs.run.RunSummary;
import org.mnv2.model.UsageException;
import org.mnv2.model.spec.ModelSpec;
import org.mnv2.synth.SynthGenerator;

/**
 * Scheduled labelling on real files, Parquet and Structured Streaming: each run labels only what
 * this model has not labelled, exactly once, and a killed run is finished by the next.
 */
class LabelJobTest extends SparkTestBase {
  @TempDir static Path pool;
  private static List<Path> images;

  @BeforeAll
  static void syntheticImages() throws IOException {
    SynthGenerator.generate(pool.resolve("synth"), 150, 11L);
    try (Stream<Path> files = Files.list(pool.resolve("synth/images"))) {
      images = files.sorted().toList();
    }
  }

  /** Copies images [from, to) of the pool into {@code input}. */
  private static void land(Path input, int from, int to) throws IOException {
    Files.createDirectories(input);
    for (Path p : images.subList(from, to)) {
      Files.copy(p, input.resolve(p.getFileName()));
    }
  }

  private static LabelConf conf(Path input, Path output, ModelSpec spec) {
    return LabelConf.of(InferenceConf.of(input.toString(), output.toString(), spec));
  }

  private static ModelSpec classifier() {
    return Fixtures.spec("synth-mobilenetv2", null);
  }

  /** (rows, distinct (image, model) pairs) of predictions/. */
  private static String rowsAndPairs(Path output) {
    return spark
        .read()
        .parquet(output.resolve("predictions").toString())
        .selectExpr("count(*)", "count(DISTINCT image_uri, model_sha256)")
        .first()
        .toString();
  }

  private static List<Long> runsNewImages(Path output) {
    return spark
        .read()
        .parquet(output.resolve("runs").toString())
        .orderBy("started")
        .collectAsList()
        .stream()
        .map((Row r) -> r.getLong(r.fieldIndex("new_images")))
        .toList();
  }

  @Test
  void eachRunLabelsOnlyTheNewImages(@TempDir Path dir) throws IOException {
    Path input = dir.resolve("in");
    Path output = dir.resolve("out");
    land(input, 0, 100);

    RunSummary first = LabelJob.run(spark, conf(input, output, classifier()));
    land(input, 100, 150);
    RunSummary second = LabelJob.run(spark, conf(input, output, classifier()));
    RunSummary third = LabelJob.run(spark, conf(input, output, classifier()));

    assertThat(first.images()).isEqualTo(100);
    assertThat(second.images()).isEqualTo(50);
    assertThat(third.images()).isZero();
    assertThat(rowsAndPairs(output)).isEqualTo("[150,150]");
    assertThat(runsNewImages(output)).containsExactly(100L, 50L, 0L);
    Row row =
        spark
            .read()
            .parquet(output.resolve("predictions").toString())
            .selectExpr(
                "count(DISTINCT model_sha256)",
                "min(model_sha256)",
                "count_if(labelled_at IS NULL)",
                "count_if(status = 'ok')",
                "min(size(predictions))")
            .first();
    assertThat(row.getLong(0)).isEqualTo(1);
    assertThat(row.getString(1)).isEqualTo(classifier().sha256());
    assertThat(row.getLong(2)).isZero();
    assertThat(row.getLong(3)).isEqualTo(150);
    assertThat(row.getInt(4)).isEqualTo(5);
  }

  @Test
  void eachNewManifestFileIsLabelledOnce(@TempDir Path dir) throws IOException {
    Path manifests = Files.createDirectories(dir.resolve("manifests"));
    Path output = dir.resolve("out");
    Files.write(
        manifests.resolve("day-1.txt"),
        images.subList(0, 20).stream().map(Path::toString).toList());
    LabelConf label =
        LabelConf.of(
            InferenceConf.of(manifests.toString(), output.toString(), classifier())
                .withManifest(manifests.toString()));

    long first = LabelJob.run(spark, label).images();
    Files.write(
        manifests.resolve("day-2.txt"),
        images.subList(20, 30).stream().map(Path::toString).toList());
    long second = LabelJob.run(spark, label).images();
    long third = LabelJob.run(spark, label).images();

    assertThat(List.of(first, second, third)).containsExactly(20L, 10L, 0L);
    assertThat(rowsAndPairs(output)).isEqualTo("[30,30]");
  }

  @Test
  void aSingleManifestFileIsRefusedNamingTheFolderItNeeds(@TempDir Path dir) throws IOException {
    Path manifest =
        Files.write(
            dir.resolve("list.txt"), images.subList(0, 3).stream().map(Path::toString).toList());
    LabelConf label =
        LabelConf.of(
            InferenceConf.of(manifest.toString(), dir.resolve("out").toString(), classifier())
                .withManifest(manifest.toString()));

    assertThatThrownBy(() -> LabelJob.run(spark, label))
        .isInstanceOf(UsageException.class)
        .hasMessageStartingWith(
            "Cannot label from --input-manifest " + manifest + ": it is a file (expected a folder");
    assertThat(Files.exists(dir.resolve("out/predictions"))).isFalse();
  }

  @Test
  void aCapDrainsTheBacklogOverSeveralRuns(@TempDir Path dir) throws IOException {
    Path input = dir.resolve("in");
    Path output = dir.resolve("out");
    land(input, 0, 100);
    LabelConf capped = conf(input, output, classifier()).withMaxImagesPerRun(40);

    List<Long> perRun = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      perRun.add(LabelJob.run(spark, capped).images());
    }

    assertThat(perRun).containsExactly(40L, 40L, 20L, 0L);
    assertThat(rowsAndPairs(output)).isEqualTo("[100,100]");
  }

  @Test
  void aNewModelLabelsEveryImageAgainAsItsOwnRows(@TempDir Path dir) throws IOException {
    Path input = dir.resolve("in");
    Path output = dir.resolve("out");
    land(input, 0, 30);
    ModelSpec zoo =
        Fixtures.spec("mobilenetv2-onnx-zoo", fixture("models/mobilenetv2-12-int8.onnx"));

    LabelJob.run(spark, conf(input, output, classifier()));
    RunSummary other = LabelJob.run(spark, conf(input, output, zoo));
    RunSummary again = LabelJob.run(spark, conf(input, output, classifier()));

    assertThat(other.images()).isEqualTo(30);
    assertThat(again.images()).isZero();
    assertThat(rowsAndPairs(output)).isEqualTo("[60,60]");
    assertThat(
            spark
                .read()
                .parquet(output.resolve("predictions").toString())
                .groupBy("model_sha256")
                .count()
                .count())
        .isEqualTo(2);
  }

  @Test
  void badImagesBecomeErrorRowsOnce(@TempDir Path dir) throws IOException {
    Path input = dir.resolve("in");
    Path output = dir.resolve("out");
    land(input, 0, 5);
    Files.write(input.resolve("empty.jpg"), new byte[0]);
    Files.writeString(input.resolve("notes.jpg"), "not an image");

    RunSummary first = LabelJob.run(spark, conf(input, output, classifier()));
    RunSummary second = LabelJob.run(spark, conf(input, output, classifier()));

    assertThat(first.images()).isEqualTo(7);
    assertThat(first.errors()).isEqualTo(2);
    assertThat(second.images()).isZero();
    assertThat(
            spark
                .read()
                .parquet(output.resolve("predictions").toString())
                .where("status = 'error'")
                .selectExpr("regexp_extract(image_uri, '[^/]+$', 0) AS file")
                .orderBy("file")
                .collectAsList()
                .stream()
                .map(r -> r.getString(0))
                .toList())
        .containsExactly("empty.jpg", "notes.jpg");
  }

  @Test
  void retryErrorsReplacesTheErrorRowsOfThisModel(@TempDir Path dir) throws IOException {
    Path input = dir.resolve("in");
    Path output = dir.resolve("out");
    land(input, 0, 5);
    Path broken = Files.write(input.resolve("late.jpg"), new byte[0]);
    LabelJob.run(spark, conf(input, output, classifier()));
    // The file is fixed after its error row was written (e.g. a partial upload completed).
    Files.write(broken, Files.readAllBytes(images.get(5)));

    RunSummary plain = LabelJob.run(spark, conf(input, output, classifier()));
    RunSummary retry = LabelJob.run(spark, conf(input, output, classifier()).withRetryErrors(true));

    assertThat(plain.images()).isZero();
    assertThat(retry.images()).isEqualTo(1);
    assertThat(retry.ok()).isEqualTo(1);
    assertThat(rowsAndPairs(output)).isEqualTo("[6,6]");
    assertThat(
            spark
                .read()
                .parquet(output.resolve("predictions").toString())
                .where("status = 'ok'")
                .count())
        .isEqualTo(6);
  }

  @Test
  void aSecondRunAtOnceIsRefusedNamingTheFirst(@TempDir Path dir) throws IOException {
    Path input = dir.resolve("in");
    Path output = dir.resolve("out");
    land(input, 0, 5);
    LabelState state = new LabelState(output.toString(), classifier().sha256());
    FileSystem fs = FileSystem.getLocal(spark.sparkContext().hadoopConfiguration());

    try (RunLock first = RunLock.acquire(fs, state.lock(), "first-run", Duration.ofMinutes(2))) {
      assertThatThrownBy(() -> LabelJob.run(spark, conf(input, output, classifier())))
          .isInstanceOf(UsageException.class)
          .hasMessageContaining("another run holds")
          .hasMessageContaining("run first-run, process " + ProcessHandle.current().pid());
    }
    assertThat(LabelJob.run(spark, conf(input, output, classifier())).images()).isEqualTo(5);
  }

  @Test
  void aRunKilledMidwayIsFinishedByTheNextExactlyOnce(@TempDir Path dir) throws Exception {
    Path input = dir.resolve("in");
    Path output = dir.resolve("out");
    land(input, 0, 120);
    LabelState state = new LabelState(output.toString(), classifier().sha256());
    Path published = Path.of(state.published(1).toUri().getPath());

    Process child =
        childLabelRun(
            dir, input, output, "--conf", "mnv2.label-images-per-batch=20", "--batch-size", "2");
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
    while (!Files.exists(published) && child.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(child.isAlive()).as("the run is still labelling when it is killed").isTrue();
    child.destroyForcibly().waitFor();

    long before = spark.read().parquet(output.resolve("predictions").toString()).count();
    RunSummary rerun =
        LabelJob.run(spark, conf(input, output, classifier()).withImagesPerBatch(20));

    assertThat(before).as("rows visible after the kill: whole batches").isBetween(40L, 100L);
    assertThat(before % 20).isZero();
    assertThat(rerun.images()).isEqualTo(120 - before);
    assertThat(rowsAndPairs(output)).isEqualTo("[120,120]");
  }

  /** The CLI's label command in a child JVM (killable), writing its log next to the output. */
  private static Process childLabelRun(Path dir, Path input, Path output, String... more)
      throws IOException {
    Path root = projectRoot();
    List<String> java = new ArrayList<>();
    java.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    java.add("-Xmx1g");
    java.addAll(
        List.of(
            Files.readString(root.resolve("jobs/target/jvm-options.txt")).trim().split("\\s+")));
    java.addAll(List.of("-cp", System.getProperty("java.class.path"), PipelineCli.class.getName()));
    java.addAll(
        List.of(
            "label",
            "--master",
            "local[2]",
            "--input",
            input.toString(),
            "--output",
            output.toString()));
    java.addAll(List.of(more));
    ProcessBuilder pb =
        new ProcessBuilder(java)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("child.log").toFile());
    pb.environment().put("MNV2_HOME", root.toString());
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    return pb.start();
  }
}
