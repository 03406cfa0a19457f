package org.mnv2.jobs.run;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkContext;
import org.apache.spark.util.LongAccumulator;
import org.mnv2.jobs.conf.ProgressMode;

/**
 * The progress of one stage of a run on stderr, from the driver: images done / total, images/s,
 * errors so far and ETA ({@link ProgressListener} counts them from task ends and executor
 * heartbeats). On a terminal ({@link ProgressMode#AUTO}) one line rewritten every second; anywhere
 * else, or with {@link ProgressMode#ALWAYS}, a plain line every {@value #INTERVAL_PROPERTY}
 * milliseconds (default 10 s); a final line when the stage closes. Never on stdout, which carries
 * the command's results.
 */
public final class Progress implements AutoCloseable {
  /** The plain lines' interval in milliseconds (a system property; tests lower it). */
  public static final String INTERVAL_PROPERTY = "mnv2.progress.interval-ms";

  static final long DEFAULT_INTERVAL_MILLIS = 10_000;
  private static final long LIVE_INTERVAL_MILLIS = 1_000;

  private static final Progress NONE = new Progress();

  private final SparkContext sc;
  private final ProgressListener listener;
  private final LongAccumulator done;
  private final LongAccumulator errors;
  private final String stage;
  private final long total;
  private final String unit;
  private final boolean live;
  private final PrintStream err;
  private final long startNanos = System.nanoTime();
  private final ScheduledExecutorService ticker;
  private boolean closed;

  private Progress() {
    sc = null;
    listener = null;
    done = null;
    errors = null;
    stage = null;
    total = 0;
    unit = null;
    live = false;
    err = null;
    ticker = null;
    closed = true;
  }

  private Progress(
      SparkContext sc,
      ProgressMode mode,
      String stage,
      long total,
      LongAccumulator done,
      LongAccumulator errors) {
    this.sc = sc;
    this.stage = stage;
    this.total = total;
    this.done = done;
    this.errors = errors;
    this.unit = done == null ? "tasks" : "images";
    this.live = mode == ProgressMode.AUTO && System.console() != null;
    this.err = System.err;
    this.listener = new ProgressListener(done, errors);
    sc.addSparkListener(listener);
    this.ticker =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "mnv2-progress");
              t.setDaemon(true);
              return t;
            });
    long every = live ? LIVE_INTERVAL_MILLIS : interval();
    ticker.scheduleAtFixedRate(this::tick, every, every, TimeUnit.MILLISECONDS);
  }

  /**
   * The progress of a stage over {@code total} images counted by {@code done} and {@code errors}
   * (accumulators added to per batch on the executors); nothing with {@link ProgressMode#NEVER}.
   */
  static Progress images(
      SparkContext sc,
      ProgressMode mode,
      String stage,
      long total,
      LongAccumulator done,
      LongAccumulator errors) {
    return mode == ProgressMode.NEVER ? NONE : new Progress(sc, mode, stage, total, done, errors);
  }

  /** The progress of a stage counted in Spark tasks (those submitted while it runs). */
  static Progress tasks(SparkContext sc, ProgressMode mode, String stage) {
    return mode == ProgressMode.NEVER ? NONE : new Progress(sc, mode, stage, -1, null, null);
  }

  static long interval() {
    String value = System.getProperty(INTERVAL_PROPERTY);
    return value == null ? DEFAULT_INTERVAL_MILLIS : Math.max(10, Long.parseLong(value.trim()));
  }

  private synchronized void tick() {
    if (closed) {
      return;
    }
    String line = line(listener.done(), listener.errors(), false);
    if (live) {
      err.print("\r" + line + "\u001b[K");
      err.flush();
    } else {
      err.println(line);
    }
  }

  /** The stage's line: done / total, rate, errors, ETA (or the time taken, at the end). */
  String line(long doneNow, long errorsNow, boolean end) {
    double seconds = Math.max(1e-3, (System.nanoTime() - startNanos) / 1e9);
    long of = total >= 0 ? total : listener.tasksSubmitted();
    long shown = Math.min(doneNow, of);
    StringBuilder sb = new StringBuilder("progress ").append(stage).append(": ");
    sb.append(shown).append(" / ").append(of).append(' ').append(unit);
    if (of > 0) {
      sb.append(String.format(Locale.ROOT, " (%d%%)", shown * 100 / of));
    }
    double rate = shown / seconds;
    sb.append(String.format(Locale.ROOT, ", %.1f %s/s", rate, unit));
    if (!listener.countsTasks()) {
      sb.append(", ").append(errorsNow).append(errorsNow == 1 ? " error" : " errors");
    }
    if (end) {
      sb.append(String.format(Locale.ROOT, ", done in %.1f s", seconds));
    } else if (rate > 0 && of > shown) {
      sb.append(", ETA ").append(duration((of - shown) / rate));
    } else {
      sb.append(", ETA -");
    }
    return sb.toString();
  }

  private static String duration(double seconds) {
    long s = Math.round(seconds);
    return s < 60
        ? s + " s"
        : s < 3600
            ? String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60)
            : String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
  }

  /** Stops the updates and prints the final line (the accumulators' exact totals). Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    ticker.shutdownNow();
    sc.removeSparkListener(listener);
    long finalDone = done == null ? listener.done() : done.value();
    long finalErrors = errors == null ? 0 : errors.value();
    String line = line(finalDone, finalErrors, true);
    err.println(live ? "\r" + line + "\u001b[K" : line);
    err.flush();
  }
}
