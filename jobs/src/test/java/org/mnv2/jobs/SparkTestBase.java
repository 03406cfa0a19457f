package org.mnv2.jobs;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.mnv2.jobs.bench.LocalS3;

/**
 * One local SparkSession per test class (UI off, loopback host), and the paths tests need: the
 * project root and ../shared/fixtures (tests that need it skip with the missing path named).
 */
public abstract class SparkTestBase {
  protected static SparkSession spark;

  private static SparkSession shared;

  /**
   * Every class gets its own SQL session (settings, temporary views) on one local[2] SparkContext
   * shared by the test JVM: starting Spark once instead of once per class saves seconds per class.
   */
  @BeforeAll
  public static void startSpark() {
    if (shared == null || shared.sparkContext().isStopped()) {
      shared =
          SparkSession.builder()
              .master("local[2]")
              .appName("mnv2-test")
              .config("spark.ui.enabled", "false")
              .config("spark.driver.host", "127.0.0.1")
              .config("spark.driver.bindAddress", "127.0.0.1")
              .config("spark.sql.shuffle.partitions", "4")
              .getOrCreate();
    }
    spark = shared.newSession();
  }

  @AfterAll
  public static void releaseSpark() {
    spark = null;
  }

  /** Stops the shared context, for a class that needs a Spark of its own (another master). */
  static void stopSharedSpark() {
    if (shared != null) {
      shared.stop();
      shared = null;
    }
  }

  /** The project root (surefire sets project.root). */
  public static Path projectRoot() {
    return Path.of(System.getProperty("project.root", "..")).toAbsolutePath().normalize();
  }

  /** A loopback S3 server with {@code buckets}; skips the test without the s3proxy jar. */
  public static LocalS3 localS3(Path dir, String secret, String... buckets) {
    assumeTrue(
        LocalS3.available(),
        "needs s3proxy: " + LocalS3.jar() + " is missing (mvn package copies it there)");
    return LocalS3.start(dir, secret, buckets);
  }

  /** A path under ../shared/fixtures; skips the test when it is absent. */
  public static Path fixture(String relative) {
    Path shared =
        Path.of(System.getProperty("shared.dir", "../shared")).toAbsolutePath().normalize();
    Path path = shared.resolve("fixtures").resolve(relative);
    assumeTrue(
        Files.exists(path),
        "needs the shared fixtures: " + path + " is missing (CI always has ../shared)");
    return path;
  }
}
