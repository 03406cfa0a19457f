package org.mnv2.jobs.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;

/**
 * A loopback S3 server for tests and benchmarks: s3proxy (the jar-with-dependencies Maven copies to
 * jobs/target/s3proxy, run as a child JVM so none of its libraries meet Spark's) with a filesystem
 * backend in a folder, one folder per bucket. Clients reach it through a {@link FaultyLink}, which
 * logs every request, can add latency to requests and lets a test stop the server mid-read.
 */
public final class LocalS3 implements AutoCloseable {
  public static final String ACCESS_KEY = "mnv2-test-access-key";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  private final Path dir;
  private final String secret;
  private final int serverPort;
  private final FaultyLink link;
  private Process server;

  private LocalS3(Path dir, String secret) {
    this.dir = dir;
    this.secret = secret;
    this.serverPort = FaultyLink.freePort();
    this.link = FaultyLink.to(serverPort);
  }

  /** Starts a server with {@code buckets} under {@code dir}; see {@link #available()}. */
  public static LocalS3 start(Path dir, String secret, String... buckets) {
    if (!available()) {
      throw new IllegalStateException(
          "needs s3proxy: " + jar() + " is missing (mvn package copies it there)");
    }
    LocalS3 s3 = new LocalS3(dir, secret);
    try {
      for (String bucket : buckets) {
        Files.createDirectories(s3.data().resolve(bucket)); // a bucket is a folder
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    s3.startServer();
    return s3;
  }

  /**
   * The s3proxy jar: system property {@code s3proxy.jar}, else jobs/target/s3proxy/s3proxy.jar
   * under the project ({@code project.root}, else {@code MNV2_HOME}, else the parent folder).
   */
  public static Path jar() {
    String configured = System.getProperty("s3proxy.jar");
    if (configured != null) {
      return Path.of(configured);
    }
    String home = System.getenv("MNV2_HOME");
    String root = System.getProperty("project.root", home != null ? home : "..");
    return Path.of(root).toAbsolutePath().normalize().resolve("jobs/target/s3proxy/s3proxy.jar");
  }

  /** Whether the s3proxy jar is there. */
  public static boolean available() {
    return Files.isRegularFile(jar());
  }

  /** The endpoint clients use (the link in front of the server). */
  public String endpoint() {
    return "http://127.0.0.1:" + link.port();
  }

  public FaultyLink link() {
    return link;
  }

  /** The backend folder: one folder per bucket, one file per object. */
  public Path data() {
    return dir.resolve("data");
  }

  /**
   * The S3A settings for this server (Hadoop keys; prefix them with {@code spark.hadoop.} for a
   * SparkConf). Retry budget (S3A sleeps {@code interval * 2^(n+1)}, jittered by 0.5-1.5, before
   * retry n): an outage shorter than about 8 s is always ridden out, and a dead endpoint fails an
   * operation after about 15 s (at most 23 s).
   */
  public Map<String, String> s3aSettings() {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("fs.s3a.endpoint", endpoint());
    s.put("fs.s3a.endpoint.region", "us-east-1");
    s.put("fs.s3a.path.style.access", "true");
    s.put("fs.s3a.connection.ssl.enabled", "false");
    s.put(
        "fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
    s.put("fs.s3a.access.key", ACCESS_KEY);
    s.put("fs.s3a.secret.key", secret);
    s.put("fs.s3a.change.detection.version.required", "false");
    s.put("fs.s3a.retry.interval", "250ms");
    s.put("fs.s3a.retry.limit", "5");
    s.put("fs.s3a.attempts.maximum", "1");
    s.put("fs.s3a.connection.establish.timeout", "5000");
    s.put("fs.s3a.connection.timeout", "15000");
    return s;
  }

  /** Sets this server's S3A settings on {@code conf} and drops cached S3A clients. */
  public void configure(Configuration conf) {
    s3aSettings().forEach(conf::set);
    closeFileSystems();
  }

  /** Hadoop caches file systems by scheme and bucket, not endpoint: forget them between servers. */
  public static void closeFileSystems() {
    try {
      FileSystem.closeAll();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts (or restarts) the server process and waits until it answers HTTP; link up. */
  public void startServer() {
    startServerBehindLink();
    link.up();
  }

  /** Starts (or restarts) the server process and waits until it answers HTTP; link untouched. */
  public synchronized void startServerBehindLink() {
    try {
      Path conf = dir.resolve("s3proxy.conf");
      Files.writeString(
          conf,
          String.join(
              "\n",
              "s3proxy.endpoint=http://127.0.0.1:" + serverPort,
              "s3proxy.authorization=aws-v2-or-v4",
              "s3proxy.identity=" + ACCESS_KEY,
              "s3proxy.credential=" + secret,
              "jclouds.provider=filesystem-nio2",
              "jclouds.filesystem.basedir=" + data(),
              ""));
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      // C1 only and a small heap: starts in about 3 s instead of 6 and the tests are tiny.
      command.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m"));
      command.addAll(List.of("-jar", jar().toString(), "--properties", conf.toString()));
      server =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("s3proxy.log").toFile()))
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start s3proxy", e);
    }
    awaitHttp();
  }

  /** Kills the server process (no clean shutdown, like a crash) and takes the link down. */
  public synchronized void stopServer() {
    link.down();
    if (server != null) {
      server.destroyForcibly();
      try {
        server.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      server = null;
    }
  }

  private void awaitHttp() {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!server.isAlive()) {
        throw new IllegalStateException("s3proxy exited; see " + dir.resolve("s3proxy.log"));
      }
      try {
        HttpURLConnection c =
            (HttpURLConnection) new URL("http://127.0.0.1:" + serverPort + "/").openConnection();
        c.setConnectTimeout(500);
        c.getResponseCode(); // 403 for an anonymous request: the server is up
        c.disconnect();
        return;
      } catch (IOException notYet) {
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
    throw new IllegalStateException("s3proxy did not answer within " + START_TIMEOUT);
  }

  @Override
  public void close() {
    stopServer();
    link.close();
    closeFileSystems();
  }
}
