package org.mnv2.jobs.labelling;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.mnv2.jobs.storage.Json;
import org.mnv2.model.PipelineException;
import org.mnv2.model.UsageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One label run at a time per output: a lock file created only if absent, naming its holder (run
 * id, host, process id) and renewed by a heartbeat. A second run is refused with the holder named.
 * A lock left by a run that died is taken over when its process is gone (same host) or when it has
 * not been renewed for the timeout (any host). On object stores without conditional writes (Hadoop
 * 3.3's S3A) create-if-absent is a check then a write: two runs started within the same second may
 * both get it; the labelling itself stays idempotent per batch either way.
 */
public final class RunLock implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RunLock.class);

  private final FileSystem fs;
  private final Path path;
  private final Map<String, Object> holder;
  private final ScheduledExecutorService heartbeat;

  private RunLock(FileSystem fs, Path path, Map<String, Object> holder, Duration timeout) {
    this.fs = fs;
    this.path = path;
    this.holder = holder;
    this.heartbeat =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "label-lock-heartbeat");
              t.setDaemon(true);
              return t;
            });
    long every = Math.max(1, timeout.toMillis() / 3);
    heartbeat.scheduleAtFixedRate(this::renew, every, every, TimeUnit.MILLISECONDS);
  }

  /** Takes the lock at {@code path} for {@code runId}, or refuses naming the holder. */
  public static RunLock acquire(FileSystem fs, Path path, String runId, Duration timeout) {
    Map<String, Object> holder = new LinkedHashMap<>();
    holder.put("run_id", runId);
    holder.put("host", hostName());
    holder.put("pid", ProcessHandle.current().pid());
    holder.put("started", Instant.now().toString());
    holder.put("heartbeat_millis", System.currentTimeMillis());
    try {
      for (int attempt = 0; attempt < 2; attempt++) {
        try (OutputStream out = fs.create(path, false)) {
          out.write(Json.write(holder).getBytes(StandardCharsets.UTF_8));
          return new RunLock(fs, path, holder, timeout);
        } catch (FileAlreadyExistsException e) {
          JsonNode other = read(fs, path);
          String stale = staleness(other, timeout);
          if (stale == null || attempt > 0) {
            throw new UsageException(
                "Cannot label into "
                    + path.getParent().getParent()
                    + ": another run holds "
                    + path
                    + " ("
                    + describe(other)
                    + "); wait for it to end (a lock not renewed for "
                    + timeout.toSeconds()
                    + " s is taken over)");
          }
          LOG.warn("Taking over the lock {}: {} ({})", path, stale, describe(other));
          fs.delete(path, false);
        }
      }
      throw new IllegalStateException("unreachable");
    } catch (IOException e) {
      throw new PipelineException("Cannot lock " + path + ": " + e.getMessage(), e);
    }
  }

  /** Why the lock {@code other} is stale, or null when its holder may still be running. */
  static String staleness(JsonNode other, Duration timeout) {
    if (other == null) {
      return "it is unreadable";
    }
    long age = System.currentTimeMillis() - other.path("heartbeat_millis").asLong(0);
    if (age > timeout.toMillis()) {
      return "not renewed for " + age / 1000 + " s";
    }
    if (hostName().equals(other.path("host").asText())
        && ProcessHandle.of(other.path("pid").asLong(-1)).isEmpty()) {
      return "its process " + other.path("pid").asLong() + " on this host is gone";
    }
    return null;
  }

  private static String describe(JsonNode other) {
    if (other == null) {
      return "unreadable";
    }
    return "run "
        + other.path("run_id").asText()
        + ", process "
        + other.path("pid").asText()
        + " on "
        + other.path("host").asText()
        + ", started "
        + other.path("started").asText();
  }

  private static JsonNode read(FileSystem fs, Path path) {
    try (InputStream in = fs.open(path)) {
      return Json.mapper().readTree(in);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown";
    }
  }

  private void renew() {
    holder.put("heartbeat_millis", System.currentTimeMillis());
    try (OutputStream out = fs.create(path, true)) {
      out.write(Json.write(holder).getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      LOG.warn("Cannot renew the lock {}: {}", path, e.getMessage());
    }
  }

  /** Releases the lock. Safe to call twice. */
  @Override
  public void close() {
    if (heartbeat.isShutdown()) {
      return;
    }
    heartbeat.shutdownNow();
    try {
      heartbeat.awaitTermination(10, TimeUnit.SECONDS);
      fs.delete(path, false);
    } catch (IOException e) {
      LOG.warn("Cannot remove the lock {}: {}", path, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
