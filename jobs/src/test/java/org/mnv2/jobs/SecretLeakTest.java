package org.mnv2.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnv2.jobs.bench.LocalS3;

/**
 * The S3 secret given the way users give it ({@code --conf spark.hadoop.fs.s3a.secret.key=...})
 * never shows up in what a run prints or writes: stdout and stderr with every logger at INFO, the
 * Spark event log (what the Spark UI and history server show), the objects written, and the working
 * directory. Runs are child JVMs of the command line, as a user would start them: a successful
 * classify, a job that fails, and a mistyped option next to the secret.
 */
@Tag("s3")
class SecretLeakTest {
  /** Recognisable, and matches no word any log would print by chance. */
  private static final String SECRET = "Lk9CanarySecret0x5EC7E7";

  @TempDir static Path dir;
  private static LocalS3 s3;

  @BeforeAll
  static void startS3() throws IOException {
    Path images = SparkTestBase.fixture("imagenet/images");
    s3 = SparkTestBase.localS3(dir.resolve("s3"), SECRET, "data", "out");
    Configuration conf = new Configuration();
    s3.configure(conf);
    FileSystem fs = FileSystem.get(java.net.URI.create("s3a://data/"), conf);
    try (Stream<Path> photos = Files.list(images)) {
      for (Path p : photos.sorted().limit(3).toList()) {
        fs.copyFromLocalFile(
            new org.apache.hadoop.fs.Path(p.toUri()),
            new org.apache.hadoop.fs.Path("s3a://data/leak/images/" + p.getFileName()));
      }
    }
    LocalS3.closeFileSystems();
  }

  @AfterAll
  static void stopS3() {
    if (s3 != null) {
      s3.close();
    }
  }

  @Test
  void noRunPrintsOrWritesTheSecret() throws Exception {
    Path work = Files.createDirectories(dir.resolve("work"));
    Path events = Files.createDirectories(dir.resolve("events"));
    Path logConfig = dir.resolve("log4j2.properties");
    Files.writeString(
        logConfig,
        String.join(
            "\n",
            "rootLogger.level = info",
            "rootLogger.appenderRef.stderr.ref = console",
            "appender.console.type = Console",
            "appender.console.name = console",
            "appender.console.target = SYSTEM_ERR",
            "appender.console.layout.type = PatternLayout",
            "appender.console.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n",
            ""));
    List<String> spark = new ArrayList<>(List.of("--master", "local[1]"));
    for (Map.Entry<String, String> e : s3.s3aSettings().entrySet()) {
      spark.addAll(List.of("--conf", "spark.hadoop." + e.getKey() + "=" + e.getValue()));
    }
    spark.addAll(List.of("--conf", "spark.eventLog.enabled=true"));
    spark.addAll(List.of("--conf", "spark.eventLog.dir=" + events.toUri()));
    spark.addAll(List.of("--conf", "spark.driver.host=127.0.0.1"));
    List<String> classify =
        List.of("classify", "--input", "s3a://data/leak/images", "--output", "s3a://out/leak");

    int ok = run(work, logConfig, "ok", classify, spark);
    int failed =
        run(
            work,
            logConfig,
            "failed",
            List.of(
                "classify",
                "--input",
                "s3a://data/leak/images",
                "--output",
                "s3a://out/failed",
                "--model",
                "mobilenetv2-onnx-zoo",
                "--model-uri",
                "s3a://data/no-such-model.onnx"),
            spark);
    int typo =
        run(
            work,
            logConfig,
            "typo",
            List.of("classify", "--input", "s3a://data/leak/images", "--output", "s3a://out/t"),
            List.of("--cnf", "spark.hadoop.fs.s3a.secret.key=" + SECRET));

    assertThat(ok).as("exit code of the good run (see %s)", work.resolve("ok.log")).isZero();
    assertThat(failed).as("exit code of the run with a missing model").isEqualTo(2);
    assertThat(typo).as("exit code of the run with a mistyped option").isEqualTo(2);
    assertThat(Files.readString(work.resolve("typo.log"))).contains("--cnf");
    try (Stream<Path> eventLogs = Files.list(events)) {
      assertThat(eventLogs).as("event logs written").isNotEmpty();
    }
    assertThat(s3.data().resolve("out/leak/summary.json")).exists();
    List<String> leaks = new ArrayList<>();
    for (Path root : List.of(work, events, s3.data())) {
      try (Stream<Path> files = Files.walk(root)) {
        for (Path f : files.filter(Files::isRegularFile).toList()) {
          if (contains(f, SECRET)) {
            leaks.add(dir.relativize(f).toString());
          }
        }
      }
    }
    assertThat(leaks).as("files holding the secret").isEmpty();
  }

  private static boolean contains(Path file, String text) throws IOException {
    return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).contains(text);
  }

  /** Runs the command line in a child JVM; stdout and stderr go to {@code work/NAME.log}. */
  private static int run(
      Path work, Path logConfig, String name, List<String> command, List<String> options)
      throws IOException, InterruptedException {
    Path root = SparkTestBase.projectRoot();
    List<String> java = new ArrayList<>();
    java.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    java.add("-Xmx1g");
    java.addAll(
        List.of(
            Files.readString(root.resolve("jobs/target/jvm-options.txt")).trim().split("\\s+")));
    java.add("-Dlog4j2.configurationFile=" + logConfig);
    java.addAll(List.of("-cp", System.getProperty("java.class.path"), PipelineCli.class.getName()));
    java.addAll(command);
    java.addAll(options);
    ProcessBuilder pb =
        new ProcessBuilder(java)
            .directory(work.toFile())
            .redirectErrorStream(true)
            .redirectOutput(work.resolve(name + ".log").toFile());
    pb.environment().put("MNV2_HOME", root.toString());
    Process p = pb.start();
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IllegalStateException("run '" + name + "' did not finish in 5 minutes");
    }
    return p.exitValue();
  }
}
