package org.mnv2.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnv2.jobs.bench.LocalS3;
import org.mnv2.udf.ml.ImageClassifier;

/**
 * Reads ahead of the model from {@code s3a://}, through a link that can slow or cut requests: the
 * reads of one task really overlap (counted at the link, never more than the read-ahead), faults
 * mid-partition still give one row per image in input order with error rows where they belong and
 * the same predictions as sequential reads, and a task stopped early by a LIMIT leaves no reads or
 * decoding threads running.
 */
@Tag("s3")
class ReadAheadS3Test extends SparkTestBase {
  private static final String PHOTOS = "s3a://data/readahead/";
  private static final Predicate<String> IMAGE_GETS = r -> r.startsWith("GET /data/readahead/");
  private static final StructType URIS =
      new StructType()
          .add("id", DataTypes.IntegerType, false)
          .add("uri", DataTypes.StringType, true);

  @TempDir static Path dir;
  private static LocalS3 s3;
  private static List<String> names;

  @BeforeAll
  static void startS3() throws IOException {
    Path images = fixture("imagenet/images");
    s3 = SparkTestBase.localS3(dir.resolve("s3"), "readahead-test-secret", "data");
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    s3.configure(conf);
    FileSystem fs = FileSystem.get(java.net.URI.create(PHOTOS), conf);
    try (Stream<Path> files = Files.list(images)) {
      names = files.map(p -> p.getFileName().toString()).sorted().toList();
    }
    for (String name : names) {
      fs.copyFromLocalFile(
          new org.apache.hadoop.fs.Path(images.resolve(name).toUri()),
          new org.apache.hadoop.fs.Path(PHOTOS + name));
    }
    byte[] cat = Files.readAllBytes(images.resolve("caffe_cat.jpg"));
    try (FSDataOutputStream out = fs.create(new org.apache.hadoop.fs.Path(PHOTOS + "cut.jpg"))) {
      out.write(Arrays.copyOf(cat, cat.length * 2 / 5));
    }
  }

  @AfterAll
  static void stopS3() {
    if (s3 != null) {
      s3.close();
    }
  }

  @AfterEach
  void normalLink() {
    s3.link().delay(r -> false, 0);
  }

  /** {@code uris} as (id, uri) rows in one partition: one task reads them all, in this order. */
  private static Dataset<Row> onePartition(List<String> uris) {
    List<Row> rows = new ArrayList<>();
    for (String uri : uris) {
      rows.add(RowFactory.create(rows.size(), uri));
    }
    return spark.createDataFrame(
        JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(rows, 1), URIS);
  }

  private static ImageClassifier stage(int readAhead, int decodeThreads) {
    return new ImageClassifier()
        .setModel("synth-mobilenetv2")
        .setInputCol("uri")
        .setReadAhead(readAhead)
        .setDecodeThreads(decodeThreads);
  }

  private static List<String> photoUris() {
    return names.stream().map(n -> PHOTOS + n).toList();
  }

  private static long imageGets() {
    return s3.link().requests().stream().filter(IMAGE_GETS).count();
  }

  @Test
  void theReadsOfOneTaskOverlapUpToTheReadAhead() {
    s3.link().delay(IMAGE_GETS, 150);

    List<Row> rows =
        stage(4, 0)
            .transform(onePartition(photoUris()))
            .select("id", "prediction.status")
            .collectAsList();

    assertThat(rows).extracting(r -> r.getInt(0)).containsExactlyElementsOf(ids(names.size()));
    assertThat(rows).allSatisfy(r -> assertThat(r.getString(1)).isEqualTo("ok"));
    assertThat(s3.link().mostHeldAtOnce())
        .as("image GETs of the one task held at the link at the same time (read-ahead 4)")
        .isBetween(2, 4);
  }

  @Test
  void readAheadOneReadsOneImageAtATime() {
    s3.link().delay(IMAGE_GETS, 50);

    List<Row> rows =
        stage(1, 0).transform(onePartition(photoUris().subList(0, 6))).select("id").collectAsList();

    assertThat(rows).hasSize(6);
    assertThat(s3.link().mostHeldAtOnce()).as("image GETs in flight at once").isEqualTo(1);
  }

  @Test
  void faultsMidPartitionGiveOneRowPerImageInOrderAndTheSequentialPredictions() {
    List<String> uris = new ArrayList<>(photoUris().subList(0, 8));
    uris.add(1, PHOTOS + "missing-1.jpg");
    uris.add(3, PHOTOS + "cut.jpg");
    uris.add(5, null);
    uris.add(8, PHOTOS + "missing-2.jpg");
    Dataset<Row> input = onePartition(uris);
    List<Row> sequential =
        stage(1, 0).transform(input).selectExpr("id", "to_json(prediction)").collectAsList();
    // The link drops every connection at the third image GET and comes back 1.5 s later: S3A's
    // retries ride it out (LocalS3's retry budget) while later reads of the window wait too.
    s3.link()
        .onRequest(
            nthImageGet(3),
            () -> {
              s3.link().down();
              Thread up =
                  new Thread(
                      () -> {
                        try {
                          Thread.sleep(1500);
                        } catch (InterruptedException e) {
                          return;
                        }
                        s3.link().up();
                      });
              up.setDaemon(true);
              up.start();
            });

    List<Row> rows =
        stage(8, 2)
            .transform(input)
            .selectExpr("id", "uri", "prediction.status", "prediction.error", "to_json(prediction)")
            .collectAsList();

    assertThat(rows).extracting(r -> r.getInt(0)).containsExactlyElementsOf(ids(uris.size()));
    assertThat(rows)
        .extracting(r -> r.getString(2))
        .containsExactly(
            "ok", "error", "ok", "error", "ok", "error", "ok", "ok", "error", "ok", "ok", "ok");
    assertThat(rows.get(1).getString(3))
        .startsWith("Cannot read image: ")
        .contains(PHOTOS + "missing-1.jpg");
    assertThat(rows.get(3).getString(3)).contains("truncated");
    assertThat(rows.get(5).getString(3)).isEqualTo("Cannot read image: column 'uri' is null");
    assertThat(rows.get(8).getString(3)).contains(PHOTOS + "missing-2.jpg");
    assertThat(rows)
        .extracting(r -> r.getInt(0) + " " + r.getString(4))
        .as("predictions with 8 reads ahead and 2 decoding threads, link cut mid-partition")
        .containsExactlyElementsOf(
            sequential.stream().map(r -> r.getInt(0) + " " + r.getString(1)).toList());
  }

  @Test
  void aTaskStoppedEarlyByALimitLeavesNoReadsOrDecodingThreadsRunning() {
    List<String> uris = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      uris.addAll(photoUris());
    }
    s3.link().delay(IMAGE_GETS, 100);
    long before = imageGets();

    List<Row> first = stage(4, 2).transform(onePartition(uris)).limit(3).collectAsList();

    assertThat(first).hasSize(3);
    assertThat(readerOrDecoderThreadsBusyAfter(Duration.ofSeconds(30)))
        .as("reader threads still reading, decoding threads still alive")
        .isEmpty();
    assertThat(imageGets() - before)
        .as("image GETs of a task stopped after one batch of 8 (of %d rows)", uris.size())
        .isLessThan(8 + 4 + 8);
  }

  /**
   * {@link #readerOrDecoderThreadsBusy()} once it is empty, or when {@code deadline} has passed.
   */
  private static List<String> readerOrDecoderThreadsBusyAfter(Duration deadline) {
    long end = System.nanoTime() + deadline.toNanos();
    List<String> busy = readerOrDecoderThreadsBusy();
    while (!busy.isEmpty() && System.nanoTime() < end) {
      LockSupport.parkNanos(50_000_000L); // polling: in-flight reads end within their latency
      busy = readerOrDecoderThreadsBusy();
    }
    return busy;
  }

  /** Reader threads in the middle of a read (RUNNABLE) and decoding threads that still exist. */
  private static List<String> readerOrDecoderThreadsBusy() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(
            t ->
                (t.getName().startsWith("mnv2-read-") && t.getState() == Thread.State.RUNNABLE)
                    || (t.getName().startsWith("mnv2-decode-") && t.isAlive()))
        .map(t -> t.getName() + " " + t.getState())
        .toList();
  }

  private static Predicate<String> nthImageGet(int n) {
    AtomicInteger gets = new AtomicInteger();
    return r -> IMAGE_GETS.test(r) && gets.incrementAndGet() == n;
  }

  private static List<Integer> ids(int n) {
    return IntStream.range(0, n).boxed().toList();
  }
}
