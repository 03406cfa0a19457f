package org.mnv2.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;
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
import org.mnv2.model.spec.ModelSpec;
import org.mnv2.udf.ExecutorSessions;

/**
 * Executor-side behaviour on a real multi-process cluster: {@code local-cluster[2,1,1024]} (a
 * standalone Master and two Workers in this JVM, each launching one executor JVM with one core),
 * images and model on the loopback S3 server. One ONNX Runtime session per executor JVM, the model
 * read once by the driver and broadcast; an executor JVM killed mid-job costs no row and duplicates
 * none.
 */
@Tag("cluster")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterTest {
  private static final String IMAGES = "s3a://data/cluster/images";
  private static final String MODEL = "s3a://data/models/mobilenetv2-12-int8.onnx";
  private static final Duration EXECUTORS_TIMEOUT = Duration.ofMinutes(3);

  @TempDir static Path dir;
  private static LocalS3 s3;
  private static SparkSession spark;

  @BeforeAll
  static void startCluster() throws IOException, InterruptedException {
    Path images = SparkTestBase.fixture("imagenet/images");
    Path model = SparkTestBase.fixture("models/mobilenetv2-12-int8.onnx");
    String sparkHome = System.getenv("SPARK_HOME");
    assumeTrue(
        sparkHome != null, "needs SPARK_HOME for the Workers (the jobs pom sets it for surefire)");
    Files.createDirectories(Path.of(sparkHome, "jars")); // empty: executors use the class path
    SparkTestBase.stopSharedSpark(); // one SparkContext per JVM: this class needs local-cluster
    s3 = SparkTestBase.localS3(dir.resolve("s3"), "cluster-test-secret", "data", "out");
    SparkSession.Builder builder =
        SparkSession.builder()
            .master("local-cluster[2,1,1024]")
            .appName("mnv2-cluster-test")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.executor.extraClassPath", System.getProperty("java.class.path"));
    s3.s3aSettings().forEach((k, v) -> builder.config("spark.hadoop." + k, v));
    LocalS3.closeFileSystems();
    spark = builder.getOrCreate();
    FileSystem fs =
        FileSystem.get(java.net.URI.create(IMAGES), spark.sparkContext().hadoopConfiguration());
    fs.copyFromLocalFile(
        new org.apache.hadoop.fs.Path(images.toUri()), new org.apache.hadoop.fs.Path(IMAGES));
    fs.copyFromLocalFile(
        new org.apache.hadoop.fs.Path(model.toUri()), new org.apache.hadoop.fs.Path(MODEL));
    awaitExecutors(2);
  }

  @AfterAll
  static void stopCluster() {
    if (spark != null) {
      spark.stop();
      spark = null;
    }
    if (s3 != null) {
      s3.close();
    }
  }

  private static void awaitExecutors(int n) throws InterruptedException {
    long deadline = System.nanoTime() + EXECUTORS_TIMEOUT.toNanos();
    // getExecutorInfos counts the driver too
    while (spark.sparkContext().statusTracker().getExecutorInfos().length < n + 1) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(n + " executors did not register in " + EXECUTORS_TIMEOUT);
      }
      Thread.sleep(200);
    }
  }

  private static InferenceConf conf(String output) {
    ModelSpec spec = Fixtures.spec("mobilenetv2-onnx-zoo", null).withUri(MODEL);
    // One image per task: 17 tasks, so both one-core executors run several.
    return InferenceConf.of(IMAGES, output, spec).withBatching(1, 1);
  }

  /** "executorId pid sessionsBuilt" of every executor JVM that runs one of 40 tiny tasks. */
  private static List<String> executorSessions() {
    return JavaSparkContext.fromSparkContext(spark.sparkContext())
        .parallelize(IntStream.range(0, 40).boxed().toList(), 40)
        .map(
            i ->
                SparkEnv.get().executorId()
                    + " "
                    + ProcessHandle.current().pid()
                    + " "
                    + ExecutorSessions.builtCount())
        .distinct()
        .collect()
        .stream()
        .sorted()
        .toList();
  }

  @Test
  @Order(1)
  void buildsOneSessionPerExecutorJvmAndReadsTheModelOnlyOnTheDriver() {
    int requestsBefore = s3.link().requests().size();

    RunSummary summary = ClassifyJob.run(spark, conf("s3a://out/sessions"));

    assertThat(summary.images()).isEqualTo(17);
    assertThat(summary.ok()).isEqualTo(17);
    assertThat(summary.sessionsBuilt()).as("sessions built, all executors").isEqualTo(2);
    List<String> executors = executorSessions();
    assertThat(executors).as("executor id, pid, sessions built").hasSize(2);
    assertThat(executors).allSatisfy(e -> assertThat(e).endsWith(" 1"));
    assertThat(executors.stream().map(e -> e.split(" ")[1]).distinct())
        .as("executor JVMs")
        .hasSize(2)
        .doesNotContain(Long.toString(ProcessHandle.current().pid()));
    assertThat(
            s3.link().requests().subList(requestsBefore, s3.link().requests().size()).stream()
                .filter(r -> r.startsWith("GET /data/models/")))
        .as("GETs of the model object: the driver's one read, none by executors")
        .hasSize(1);
  }

  @Test
  @Order(2)
  void killingAnExecutorJvmMidJobLosesAndDuplicatesNoRow() {
    long victim = Long.parseLong(executorSessions().get(0).split(" ")[1]);
    AtomicInteger tasksDone = new AtomicInteger();
    AtomicReference<ProcessHandle> killed = new AtomicReference<>();
    AtomicInteger doneAtKill = new AtomicInteger();
    SparkListener killer =
        new SparkListener() {
          @Override
          public void onTaskEnd(SparkListenerTaskEnd end) {
            if (tasksDone.incrementAndGet() == 3) {
              Optional<ProcessHandle> executor = ProcessHandle.of(victim);
              executor.ifPresent(ProcessHandle::destroyForcibly);
              executor.ifPresent(killed::set);
              doneAtKill.set(tasksDone.get());
            }
          }
        };
    spark.sparkContext().addSparkListener(killer);

    RunSummary summary;
    try {
      summary = ClassifyJob.run(spark, conf("s3a://out/killed"));
    } finally {
      spark.sparkContext().removeSparkListener(killer);
    }

    assertThat(killed.get()).as("the executor JVM killed after 3 tasks").isNotNull();
    assertThat(killed.get().isAlive()).isFalse();
    assertThat(doneAtKill.get()).as("tasks finished when it was killed").isLessThan(17);
    assertThat(summary.ok()).isEqualTo(17);
    assertThat(
            spark
                .read()
                .parquet("s3a://out/killed/predictions")
                .selectExpr("count(*)", "count(DISTINCT image_uri)", "count_if(status = 'ok')")
                .first()
                .toString())
        .as("rows, distinct images, ok rows")
        .isEqualTo("[17,17,17]");
  }
}
