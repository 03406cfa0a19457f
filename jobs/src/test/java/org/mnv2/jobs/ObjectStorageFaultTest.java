package org.mnv2.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.mnv2.jobs.bench.LocalS3;
import org.mnv2.jobs.conf.InferenceConf;
import org.mnv2.jobs.run.RunSummary;
import org.mnv2.udf.ReadAheadConf;

/**
 * The S3 server goes away while executors read the images (stopped exactly before the fifth image
 * GET reaches it): back after a few seconds, S3A's retries ride the outage out and every row is
 * written; gone for good, the job fails within a bounded time, naming the endpoint and the object,
 * and leaves no output behind, also when whole partitions are read ahead. The outage is ridden out
 * with the retry budget of {@link LocalS3#s3aSettings()}; the dead-endpoint cases use {@link
 * #DEAD_ENDPOINT_RETRIES}, since what they test is that the failure comes and what it says, and the
 * job spends one operation's whole budget on each of the many S3 calls it makes while failing.
 */
@Tag("s3")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ObjectStorageFaultTest extends SparkTestBase {
  private static final String IMAGES = "s3a://data/fault/images";
  private static final Duration OUTAGE = Duration.ofSeconds(3);

  /** S3A's retry budget for the dead-endpoint cases: 2 retries, at most 0.1 + 0.3 s of sleep. */
  private static final Map<String, String> DEAD_ENDPOINT_RETRIES =
      Map.of("fs.s3a.retry.limit", "2", "fs.s3a.retry.interval", "100ms");

  /**
   * Worst case for a dead endpoint with {@link #DEAD_ENDPOINT_RETRIES}: the failing read's retries,
   * the running tasks' own failing calls before they see the kill, then the magic committer's abort
   * (list pending uploads, delete __magic: each retried the same way).
   */
  private static final Duration FAILURE_BOUND = Duration.ofSeconds(45);

  /**
   * The object the first operation to give up names: an image read, or the committer's task setup
   * under predictions/__magic when a new task started first (some S3A operations name the key
   * without the bucket).
   */
  private static String failedObject(String out) {
    return "(s3a://data/fault/images/|s3a://out/"
        + out
        + "/predictions/| "
        + out
        + "/predictions/)\\S+";
  }

  @TempDir static Path dir;
  private static LocalS3 s3;

  @BeforeAll
  static void startS3() throws IOException {
    Path images = fixture("imagenet/images");
    s3 = SparkTestBase.localS3(dir.resolve("s3"), "fault-test-secret", "data", "out");
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    s3.configure(conf);
    FileSystem.get(java.net.URI.create(IMAGES), conf)
        .copyFromLocalFile(
            new org.apache.hadoop.fs.Path(images.toUri()), new org.apache.hadoop.fs.Path(IMAGES));
  }

  @AfterAll
  static void stopS3() {
    if (s3 != null) {
      s3.configure(spark.sparkContext().hadoopConfiguration()); // the usual budget again
      s3.close();
    }
  }

  private static InferenceConf conf(String output) {
    // 2 images per partition and per batch: 9 tasks, so the outage lands among running tasks.
    return InferenceConf.of(IMAGES, output, Fixtures.spec("synth-mobilenetv2", null))
        .withBatching(2, 2);
  }

  private static Predicate<String> fifthImageGet() {
    AtomicInteger gets = new AtomicInteger();
    return request -> request.startsWith("GET /data/fault/images/") && gets.incrementAndGet() == 5;
  }

  @Test
  @Order(1)
  void ridesOutAShortOutageMidRead() throws InterruptedException {
    AtomicLong stopped = new AtomicLong();
    AtomicLong restarted = new AtomicLong();
    List<Thread> restart = new ArrayList<>();
    s3.link()
        .onRequest(
            fifthImageGet(),
            () -> {
              stopped.set(System.nanoTime());
              s3.stopServer();
              Thread t =
                  new Thread(
                      () -> {
                        s3.startServerBehindLink(); // a new process, unreachable until link up
                        long left = OUTAGE.toNanos() - (System.nanoTime() - stopped.get());
                        try {
                          Thread.sleep(Math.max(0, left / 1_000_000)); // the outage itself
                        } catch (InterruptedException e) {
                          return;
                        }
                        s3.link().up();
                        restarted.set(System.nanoTime());
                      });
              restart.add(t);
              t.start();
            });

    RunSummary summary = ClassifyJob.run(spark, conf("s3a://out/outage"));

    restart.get(0).join();
    double outage = (restarted.get() - stopped.get()) / 1e9;
    System.out.printf(
        "fault test: server down %.1f s mid-read; job %.1f s%n", outage, summary.wallSeconds());
    assertThat(outage)
        .as("seconds the server was down")
        .isGreaterThan(OUTAGE.toMillis() / 1e3 - 0.1);
    assertThat(summary.images()).isEqualTo(17);
    assertThat(summary.ok()).as("images read and classified").isEqualTo(17);
    assertThat(
            spark
                .read()
                .parquet("s3a://out/outage/predictions")
                .selectExpr("count(*)", "count(DISTINCT image_uri)")
                .first()
                .toString())
        .isEqualTo("[17,17]");
  }

  @Test
  @Order(2)
  void failsInBoundedTimeNamingEndpointAndObjectWhenTheServerIsGone() throws IOException {
    failsWhenTheServerGoesAtTheFifthImage(conf("s3a://out/gone"), "gone");
  }

  /**
   * As above with whole partitions read ahead (4 partitions of 4-5 images, 8 reads ahead, batch 8):
   * the reads after the fifth fail in the window, and the task fails when it reaches the image.
   */
  @Test
  @Order(3)
  void failsTheSameWayWhenTheServerGoesWhileAPartitionIsReadAhead() throws IOException {
    s3.startServer();
    InferenceConf conf =
        conf("s3a://out/gone-ahead").withBatching(8, 128).withReadAhead(new ReadAheadConf(8, 0));

    failsWhenTheServerGoesAtTheFifthImage(conf, "gone-ahead");
  }

  private void failsWhenTheServerGoesAtTheFifthImage(InferenceConf conf, String out)
      throws IOException {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    DEAD_ENDPOINT_RETRIES.forEach(hadoop::set);
    LocalS3.closeFileSystems();
    s3.link().onRequest(fifthImageGet(), s3::stopServer);
    long start = System.nanoTime();

    Throwable failure = catchThrowable(() -> ClassifyJob.run(spark, conf));

    Duration took = Duration.ofNanos(System.nanoTime() - start);
    System.out.printf(
        "fault test: dead endpoint failed the job in %.1f s%n", took.toMillis() / 1e3);
    assertThat(failure).as("the job's failure").isNotNull();
    String messages = messages(failure);
    assertThat(messages)
        .as("failure messages")
        .contains(s3.endpoint().replace("http://", ""))
        .containsPattern(failedObject(out));
    assertThat(took).as("time to fail").isLessThan(FAILURE_BOUND);
    assertThat(PipelineCli.describe(failure))
        .as("the command line's error line")
        .doesNotContain("\n")
        .contains(s3.endpoint().replace("http://", ""))
        .containsPattern(failedObject(out));
    // What stays behind is the committer's own bookkeeping under predictions/__magic (hidden from
    // readers; its abort could not reach the store either): no Parquet, no _SUCCESS, no summary.
    Path output = s3.data().resolve("out/" + out);
    try (Stream<Path> files = Files.exists(output) ? Files.walk(output) : Stream.empty()) {
      assertThat(
              files
                  .filter(Files::isRegularFile)
                  .map(f -> output.relativize(f).toString())
                  .filter(f -> !f.startsWith("predictions/__magic/")))
          .as("objects left under s3a://out/" + out)
          .isEmpty();
    }
  }

  private static String messages(Throwable failure) {
    StringBuilder sb = new StringBuilder();
    for (Throwable t = failure; t != null; t = t.getCause()) {
      sb.append(t.getMessage()).append('\n');
    }
    return sb.toString();
  }
}
