package org.mnv2.jobs.run;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.mnv2.jobs.conf.InferenceConf;
import org.mnv2.jobs.storage.InputImages;
import org.mnv2.udf.InferenceTask;
import org.mnv2.udf.InferenceTasks;
import org.mnv2.udf.ModelHandle;
import org.mnv2.udf.ModelHandles;
import org.mnv2.udf.PartitionRunner;
import org.mnv2.udf.ReadAheadConf;
import org.mnv2.udf.RowLayout;
import org.mnv2.udf.Schemas;
import org.mnv2.udf.StageTimers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model run every inference command shares, inside a {@link JobRun}: check and broadcast the
 * model, list the images, prepare the output, run the batched partition runner, write {@code
 * predictions/} as Parquet through Spark's commit protocol, and record what was written.
 */
public final class InferenceRun {
  private static final Logger LOG = LoggerFactory.getLogger(InferenceRun.class);

  private InferenceRun() {}

  /** The predictions as written (read back from Parquet), and their counts. */
  public record Result(Dataset<Row> predictions, long images, long ok) {
    public long errors() {
      return images - ok;
    }
  }

  /** Runs on the images under {@code conf.input()}. */
  public static Result run(JobRun run, InferenceConf conf) {
    return run(run, conf, null);
  }

  /** Runs on {@code images} (e.g. the images of a VOC split), or those under the input if null. */
  public static Result run(JobRun run, InferenceConf conf, InputImages.Images images) {
    SparkSession spark = run.spark();
    PreparedModel model = PreparedModel.prepare(run, conf);
    if (images == null) {
      images = InputImages.of(spark, conf);
    }
    run.prepareOutput(conf.mode());
    String predictionsUri = run.output().child("predictions");
    LOG.info(
        "Running {} on {} images with model {}", run.command(), images.count(), conf.spec().name());
    try (Progress progress = run.progress("inference", images.count(), model.timers())) {
      model.predict(images.rows()).write().mode(SaveMode.ErrorIfExists).parquet(predictionsUri);
    }
    Dataset<Row> written = spark.read().parquet(predictionsUri);
    long[] counts = counts(written);
    run.recordInference(
        conf.spec().name(),
        counts[0],
        counts[1],
        model.sessionsBuilt(),
        model.stageMillis(),
        model.jpegDecoders());
    return new Result(written, counts[0], counts[1]);
  }

  /** {total rows, ok rows} of written predictions. */
  public static long[] counts(Dataset<Row> predictions) {
    long total = 0;
    long ok = 0;
    for (Row r : predictions.groupBy("status").count().collectAsList()) {
      total += r.getLong(1);
      if (Schemas.OK.equals(r.getString(0))) {
        ok = r.getLong(1);
      }
    }
    return new long[] {total, ok};
  }

  /**
   * A model checked and broadcast for one run (the broadcast is destroyed when the run closes),
   * with the run's stage timers: what turns rows of image paths into prediction rows.
   */
  public static final class PreparedModel {
    private final InferenceTask<?> task;
    private final ModelHandle handle;
    private final StageTimers timers;
    private final JobRun run;
    private final ReadAheadConf readAhead;

    private PreparedModel(
        InferenceTask<?> task,
        ModelHandle handle,
        StageTimers timers,
        JobRun run,
        ReadAheadConf readAhead) {
      this.task = task;
      this.handle = handle;
      this.timers = timers;
      this.run = run;
      this.readAhead = readAhead;
    }

    /** Checks and broadcasts {@code conf}'s model for {@code run}. */
    public static PreparedModel prepare(JobRun run, InferenceConf conf) {
      SparkSession spark = run.spark();
      InferenceTask<?> task = InferenceTasks.forSpec(conf.spec(), conf.taskOptions());
      ModelHandle handle =
          ModelHandles.prepare(
              spark, conf.spec(), task, conf.intraOpThreads(), conf.batchSize(), conf.device());
      run.atClose(handle::destroy);
      return new PreparedModel(
          task, handle, StageTimers.register(spark.sparkContext()), run, conf.readAhead());
    }

    /** The model's SHA-256 (of the bytes the executors run). */
    public String sha256() {
      return handle.sha256();
    }

    /** The predictions of {@code paths} (one string column of image URIs), lazily. */
    public Dataset<Row> predict(Dataset<Row> paths) {
      StructType schema = Schemas.predictions(task.rows().columns());
      return paths.mapPartitions(
          runner(handle, task, run, timers, readAhead), Encoders.row(schema));
    }

    /** The run's per-stage and per-batch accumulators (progress reads the image counts). */
    public StageTimers timers() {
      return timers;
    }

    /** The JPEG decoders the tasks' JVMs used, distinct and sorted. */
    public List<String> jpegDecoders() {
      return List.copyOf(new java.util.TreeSet<>(timers.jpegDecoders().value()));
    }

    public long sessionsBuilt() {
      return timers.sessionsBuilt().sum();
    }

    /** Task time by stage so far, in milliseconds. */
    public Map<String, Long> stageMillis() {
      Map<String, Long> stages = new LinkedHashMap<>();
      stages.put("read", timers.readNanos().sum() / 1_000_000);
      stages.put("decode", timers.decodeNanos().sum() / 1_000_000);
      stages.put("preprocess", timers.preprocessNanos().sum() / 1_000_000);
      stages.put("inference", timers.inferenceNanos().sum() / 1_000_000);
      stages.put("postprocess", timers.postprocessNanos().sum() / 1_000_000);
      stages.put("wait", timers.waitNanos().sum() / 1_000_000);
      return stages;
    }
  }

  /** Runs the predictions part of the command that fits {@code conf.spec()}'s task. */
  public static RunSummary predict(SparkSession spark, InferenceConf conf) {
    try (JobRun run = JobRun.begin(spark, conf.spec().task().name().toLowerCase(), conf.output())) {
      run(run, conf);
      return run.finish();
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static PartitionRunner<?> runner(
      ModelHandle handle,
      InferenceTask<?> task,
      JobRun run,
      StageTimers timers,
      ReadAheadConf readAhead) {
    return new PartitionRunner(
        handle, task, run.runId(), timers, run.hadoopConf(), RowLayout.predictions(), readAhead);
  }
}
