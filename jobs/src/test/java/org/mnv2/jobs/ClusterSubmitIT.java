package org.mnv2.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnv2.synth.SynthGenerator;

/**
 * The settings precedence as a cluster user meets it: a job submitted with the packaged job jar
 * through SparkSubmit to a standalone cluster ({@code scripts/cluster-local}), where {@code
 * spark.mnv2.*} in spark-defaults.conf reaches the driver only as a Spark property. Runs after
 * {@code package} (failsafe), since it needs the job jar.
 */
@Tag("cluster")
class ClusterSubmitIT {
  private static final long SCRIPT_TIMEOUT_MINUTES = 6;

  @TempDir static Path dir;
  private static Path state;

  private static Path root() {
    return Path.of(System.getProperty("project.root", "..")).toAbsolutePath().normalize();
  }

  /** Runs scripts/cluster-local with the test's own state folder; returns its output. */
  private static String clusterLocal(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(root().resolve("scripts/cluster-local").toString());
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("MNV2_CLUSTER_STATE", state.toString());
    Path log = dir.resolve("cluster-local-" + args[0] + ".log");
    Process p = pb.redirectOutput(log.toFile()).start();
    boolean done = p.waitFor(SCRIPT_TIMEOUT_MINUTES, TimeUnit.MINUTES);
    String output = Files.readString(log, StandardCharsets.UTF_8);
    if (!done) {
      p.destroyForcibly();
    }
    assertThat(done && p.exitValue() == 0)
        .as("scripts/cluster-local %s exited 0; output:%n%s", String.join(" ", args), output)
        .isTrue();
    return output;
  }

  @BeforeAll
  static void startCluster() throws Exception {
    state = dir.resolve("state");
    clusterLocal("start", "--workers", "1", "--worker-memory", "1200m");
  }

  @AfterAll
  static void stopCluster() throws Exception {
    clusterLocal("stop");
  }

  private static SparkSession reader() {
    return SparkSession.builder()
        .master("local[1]")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .getOrCreate();
  }

  @Test
  void labelSubmittedTwiceLabelsOnlyTheNewImages() throws Exception {
    SynthGenerator.generate(dir.resolve("label-pool"), 9, 5L);
    Path input = Files.createDirectories(dir.resolve("label-in"));
    List<Path> pool;
    try (var files = Files.list(dir.resolve("label-pool/images"))) {
      pool = files.sorted().toList();
    }
    for (Path p : pool.subList(0, 6)) {
      Files.copy(p, input.resolve(p.getFileName()));
    }
    Path out = dir.resolve("label-out");
    String[] submit = {"submit", "label", "--input", input.toString(), "--output", out.toString()};

    clusterLocal(submit);
    for (Path p : pool.subList(6, 9)) {
      Files.copy(p, input.resolve(p.getFileName()));
    }
    String second = clusterLocal(submit);

    SparkSession spark = reader();
    try {
      assertThat(
              spark
                  .read()
                  .parquet(out.resolve("predictions").toString())
                  .selectExpr("count(*)", "count(DISTINCT image_uri)")
                  .first()
                  .toString())
          .isEqualTo("[9,9]");
      assertThat(
              spark
                  .read()
                  .parquet(out.resolve("runs").toString())
                  .orderBy("started")
                  .selectExpr("new_images")
                  .collectAsList()
                  .toString())
          .isEqualTo("[[6], [3]]");
    } finally {
      spark.stop();
    }
    assertThat(second).contains("label: 3 images");
  }

  @Test
  void sparkDefaultsConfSetsAJobSettingBelowTheCommandLine() throws Exception {
    SynthGenerator.generate(dir.resolve("data"), 6, 7L);
    Path conf = state.resolve("spark-home/conf");
    Files.createDirectories(conf);
    Files.writeString(conf.resolve("spark-defaults.conf"), "spark.mnv2.top-k 3\n");
    Path out = dir.resolve("out");

    clusterLocal(
        "submit",
        "classify",
        "--input",
        dir.resolve("data/images").toString(),
        "--output",
        out.toString());

    SparkSession spark = reader();
    try {
      assertThat(
              spark
                  .read()
                  .parquet(out.resolve("predictions").toString())
                  .selectExpr("count(*)", "min(size(predictions))", "max(size(predictions))")
                  .first()
                  .toString())
          .as("rows, and predictions per row: spark.mnv2.top-k from spark-defaults.conf")
          .isEqualTo("[6,3,3]");
    } finally {
      spark.stop();
    }
  }
}
