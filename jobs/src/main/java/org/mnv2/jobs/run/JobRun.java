package org.mnv2.jobs.run;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;
import org.apache.spark.util.SerializableConfiguration;
import org.mnv2.jobs.conf.JobSettings;
import org.mnv2.jobs.conf.OutputMode;
import org.mnv2.jobs.conf.ProgressMode;
import org.mnv2.jobs.storage.Json;
import org.mnv2.jobs.storage.OutputCommitters;
import org.mnv2.jobs.storage.OutputLocation;
import org.mnv2.udf.StageTimers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The skeleton every job runs in: the clock and run id from {@link #begin}, the output folder
 * prepared and its committer chosen ({@link #prepareOutput}, once the inputs have been checked, so
 * that bad input never removes an earlier run), the broadcasts the run made and the session
 * settings it changed (destroyed and restored by {@link #close}), and the one place a {@link
 * RunSummary} is built and written as {@code summary.json} ({@link #finish}). Each inference or
 * evaluation stage shows its {@link Progress} on stderr, as the session's {@value #PROGRESS_CONF}
 * says (the command line sets it from {@code --progress}; default auto).
 */
public final class JobRun implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(JobRun.class);

  /** The session setting that carries the run's progress mode. */
  public static final String PROGRESS_CONF = "spark." + JobSettings.PROGRESS;

  /** The session setting that says whether the run writes report.html. */
  public static final String REPORT_CONF = "spark." + JobSettings.REPORT;

  private final SparkSession spark;
  private final String command;
  private final String runId = UUID.randomUUID().toString();
  private final long startNanos = System.nanoTime();
  private final OutputLocation output;
  private final ProgressMode progressMode;
  private final boolean writesReport;
  private final List<Runnable> atClose = new ArrayList<>();
  private final Map<String, Object> metrics = new LinkedHashMap<>();
  private Runnable restoreCommitter = () -> {};
  private Broadcast<SerializableConfiguration> hadoopConf;
  private String model;
  private long images;
  private long ok;
  private long sessionsBuilt;
  private Map<String, Long> stageMillis = Map.of();
  private List<String> jpegDecoders = List.of();

  private JobRun(SparkSession spark, String command, String outputUri) {
    this.spark = spark;
    this.command = command;
    this.output = new OutputLocation(outputUri, spark.sparkContext().hadoopConfiguration());
    this.progressMode =
        ProgressMode.parse(spark.conf().get(PROGRESS_CONF, JobSettings.PROGRESS_DEFAULT));
    this.writesReport =
        Boolean.parseBoolean(spark.conf().get(REPORT_CONF, JobSettings.REPORT_DEFAULT).trim());
  }

  /** Whether the run writes report.html ({@value #REPORT_CONF}, default true). */
  public boolean writesReport() {
    return writesReport;
  }

  /** Starts the clock of {@code command} writing to {@code outputUri}; touches nothing yet. */
  public static JobRun begin(SparkSession spark, String command, String outputUri) {
    return new JobRun(spark, command, outputUri);
  }

  public SparkSession spark() {
    return spark;
  }

  public String command() {
    return command;
  }

  public String runId() {
    return runId;
  }

  public OutputLocation output() {
    return output;
  }

  /**
   * Refuses an output that holds a run (or clears it, with {@code overwrite}) and sets up the
   * committer for it. Call once the inputs have been checked.
   */
  public void prepareOutput(OutputMode mode) {
    output.prepare(mode);
    restoreCommitter = OutputCommitters.configure(spark, output.uri());
  }

  /**
   * Sets up the committer for Parquet this run appends under {@code uri} (restored when the run
   * closes), without touching what is there: for runs that add to an output.
   */
  public void commitOutputsTo(String uri) {
    Runnable restore = OutputCommitters.configure(spark, uri);
    Runnable before = restoreCommitter;
    restoreCommitter =
        () -> {
          restore.run();
          before.run();
        };
  }

  /** The session's Hadoop configuration, broadcast once per run for executors that read files. */
  public Broadcast<SerializableConfiguration> hadoopConf() {
    if (hadoopConf == null) {
      hadoopConf =
          JavaSparkContext.fromSparkContext(spark.sparkContext())
              .broadcast(new SerializableConfiguration(spark.sparkContext().hadoopConfiguration()));
      track(hadoopConf);
    }
    return hadoopConf;
  }

  /** A broadcast of this run, destroyed when the run closes. */
  public void track(Broadcast<?> broadcast) {
    atClose(
        () -> {
          if (broadcast.isValid()) {
            broadcast.destroy();
          }
        });
  }

  /** Something the run holds until it closes (e.g. the model handle's broadcast bytes). */
  public void atClose(Runnable release) {
    atClose.add(release);
  }

  /**
   * Shows the progress of {@code stage} over {@code total} images until the returned handle (or the
   * run) closes; the images are counted by the runner's per-batch accumulators.
   */
  public Progress progress(String stage, long total, StageTimers timers) {
    return progress(stage, total, timers.imagesDone(), timers.imageErrors());
  }

  /** Shows the progress of {@code stage} over {@code total} images counted by {@code done}. */
  public Progress progress(String stage, long total, LongAccumulator done, LongAccumulator errors) {
    Progress progress =
        Progress.images(
            spark.sparkContext(), progressMode, command + " " + stage, total, done, errors);
    atClose(progress::close);
    return progress;
  }

  /** Shows the progress of {@code stage} in Spark tasks, for stages that do not count images. */
  public Progress progressInTasks(String stage) {
    Progress progress = Progress.tasks(spark.sparkContext(), progressMode, command + " " + stage);
    atClose(progress::close);
    return progress;
  }

  /** The counts of a model run over images. */
  public void recordInference(
      String modelName,
      long total,
      long okRows,
      long built,
      Map<String, Long> stages,
      List<String> decoders) {
    this.model = modelName;
    this.images = total;
    this.ok = okRows;
    this.sessionsBuilt = built;
    this.stageMillis = Map.copyOf(stages);
    this.jpegDecoders = List.copyOf(decoders);
  }

  /** The images an evaluation without a model scored (each counts as ok). */
  public void recordEvaluatedImages(long evaluated) {
    this.images = evaluated;
    this.ok = evaluated;
  }

  /** Adds figures to the summary's metrics. */
  public void addMetrics(Map<String, ?> more) {
    metrics.putAll(more);
  }

  /** The summary of what ran so far, written to {@code summary.json}. */
  public RunSummary finish() {
    double wall = (System.nanoTime() - startNanos) / 1e9;
    RunSummary summary =
        new RunSummary(
            runId,
            command,
            model,
            spark.sparkContext().master(),
            output.uri(),
            images,
            ok,
            images - ok,
            wall,
            images / wall,
            sessionsBuilt,
            stageMillis,
            jpegDecoders,
            metrics);
    output.writeText("summary.json", Json.write(summary.toJson()));
    LOG.info(
        "{} done: {} images ({} ok, {} errors) in {} s, {} images/s",
        command,
        images,
        ok,
        images - ok,
        String.format("%.1f", wall),
        String.format("%.1f", images / wall));
    return summary;
  }

  /**
   * Destroys the run's broadcasts on the driver and every executor and puts the session's committer
   * settings back. Safe to call twice.
   */
  @Override
  public void close() {
    restoreCommitter.run();
    restoreCommitter = () -> {};
    atClose.forEach(Runnable::run);
    atClose.clear();
  }
}
