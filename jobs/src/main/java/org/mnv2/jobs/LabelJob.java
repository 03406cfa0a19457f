package org.mnv2.jobs;

import java.io.IOException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.DataStreamWriter;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.mnv2.jobs.conf.InferenceConf;
import org.mnv2.jobs.conf.LabelConf;
import org.mnv2.jobs.labelling.BatchPublisher;
import org.mnv2.jobs.labelling.ErrorRetry;
import org.mnv2.jobs.labelling.LabelState;
import org.mnv2.jobs.labelling.RunLock;
import org.mnv2.jobs.run.InferenceRun;
import org.mnv2.jobs.run.JobRun;
import org.mnv2.jobs.run.RunSummary;
import org.mnv2.jobs.storage.InputImages;
import org.mnv2.model.PipelineException;
import org.mnv2.model.UsageException;
import org.mnv2.model.spec.ModelSpec;
import org.mnv2.udf.InferenceTasks;
import org.mnv2.udf.TaskOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Option;

/**
 * {@code label}: scheduled dataset labelling. Each run labels the images under {@code --input} that
 * this model (by the SHA-256 of its bytes) has not labelled yet, appends their rows to {@code
 * predictions/} (the task's columns plus {@code model_sha256} and {@code labelled_at}), adds one
 * record to {@code runs/} and writes {@code summary.json}.
 *
 * <p>Built on Structured Streaming: a file source over the input (its checkpoint under {@code
 * _state/<sha256>/checkpoint} records the files seen), {@code Trigger.AvailableNow} for the whole
 * backlog in batches, or one batch of {@code --max-images-per-run}; each batch goes through the
 * same model broadcast and batched partition runner as the batch jobs, and is published exactly
 * once by {@link BatchPublisher}. One run at a time per output ({@link RunLock}). See README,
 * "Scheduled labelling", for the guarantees and the limits.
 */
public final class LabelJob {
  private static final Logger LOG = LoggerFactory.getLogger(LabelJob.class);
  public static final String COMMAND = "label";

  /** The binaryFile source's schema (the stream reads only the paths). */
  private static final StructType BINARY_FILES =
      new StructType()
          .add("path", DataTypes.StringType, false)
          .add("modificationTime", DataTypes.TimestampType, false)
          .add("length", DataTypes.LongType, false)
          .add("content", DataTypes.BinaryType, true);

  /** One row of runs/. */
  static final StructType RUNS =
      new StructType()
          .add("run_id", DataTypes.StringType, false)
          .add("started", DataTypes.TimestampType, false)
          .add("ended", DataTypes.TimestampType, false)
          .add("new_images", DataTypes.LongType, false)
          .add("ok", DataTypes.LongType, false)
          .add("errors", DataTypes.LongType, false)
          .add("images_per_second", DataTypes.DoubleType, false)
          .add("model", DataTypes.StringType, false)
          .add("model_sha256", DataTypes.StringType, false);

  /** A capped run has one batch: its trigger never fires a second time before the run stops it. */
  private static final String ONE_BATCH_INTERVAL = "3650 days";

  private LabelJob() {}

  /** Runs the job; the same path for the CLI, spark-submit and tests. */
  public static RunSummary run(SparkSession spark, LabelConf conf) {
    try {
      return label(spark, conf);
    } catch (IOException e) {
      throw new PipelineException(
          "Cannot label into " + conf.inference().output() + ": " + e.getMessage(), e);
    }
  }

  private static RunSummary label(SparkSession spark, LabelConf conf) throws IOException {
    InferenceConf inference = conf.inference();
    try (JobRun run = JobRun.begin(spark, COMMAND, inference.output())) {
      Instant started = Instant.now();
      FileSystem fs = fileSystem(spark, inference.output());
      requireInput(spark, inference.input(), inference.manifest());
      InferenceRun.PreparedModel model = InferenceRun.PreparedModel.prepare(run, inference);
      LabelState state = new LabelState(run.output().uri(), model.sha256());
      requireSameTask(spark, fs, state, inference);
      try (RunLock lock = RunLock.acquire(fs, state.lock(), run.runId(), conf.lockTimeout())) {
        run.commitOutputsTo(state.predictions().toString());
        long[] retried = {0, 0};
        if (conf.retryErrors()) {
          retried =
              ErrorRetry.run(
                  spark, model, state, inference.input(), inference.imagesPerPartition());
        }
        BatchPublisher publisher =
            new BatchPublisher(
                run,
                model,
                state,
                inference.input(),
                inference.manifest(),
                inference.imagesPerPartition());
        stream(spark, conf, state, publisher);
        Instant ended = Instant.now();
        run.recordInference(
            inference.spec().name(),
            publisher.newImages() + retried[0],
            publisher.ok() + retried[1],
            model.sessionsBuilt(),
            model.stageMillis(),
            model.jpegDecoders());
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("model_sha256", model.sha256());
        metrics.put("new_images", publisher.newImages());
        metrics.put("retried_images", retried[0]);
        metrics.put("batches", publisher.batches());
        run.addMetrics(metrics);
        writeRunRecord(spark, state, run.runId(), started, ended, publisher, inference.spec());
        if (publisher.newImages() == 0) {
          LOG.info("No new images under {} for model {}", inference.input(), model.sha256());
        }
        return run.finish();
      }
    }
  }

  private static void stream(
      SparkSession spark, LabelConf conf, LabelState state, BatchPublisher publisher) {
    Dataset<Row> files = conf.inference().manifest() ? manifests(spark, conf) : images(spark, conf);
    // Spark lists a batch's files again to plan it, by default with one listing task per file
    // (10,000 tasks for a batch of 10,000): a few tasks per core do the same work without the
    // scheduling cost. The stream clones the session's settings when it starts.
    String listing = "spark.sql.sources.parallelPartitionDiscovery.parallelism";
    Option<String> before = spark.conf().getOption(listing);
    spark.conf().set(listing, Integer.toString(2 * spark.sparkContext().defaultParallelism()));
    DataStreamWriter<Row> writer =
        files
            .writeStream()
            .option("checkpointLocation", state.checkpoint().toString())
            .foreachBatch(publisher);
    StreamingQuery query;
    try {
      if (conf.maxImagesPerRun() == 0) {
        query = writer.trigger(Trigger.AvailableNow()).start();
        query.awaitTermination();
      } else {
        query = writer.trigger(Trigger.ProcessingTime(ONE_BATCH_INTERVAL)).start();
        awaitFirstTrigger(query);
        query.stop();
      }
    } catch (StreamingQueryException e) {
      throw unwrap(e);
    } catch (TimeoutException e) {
      throw new PipelineException("Cannot stop the labelling stream: " + e.getMessage(), e);
    } finally {
      if (before.isDefined()) {
        spark.conf().set(listing, before.get());
      } else {
        spark.conf().unset(listing);
      }
    }
  }

  /** The image files under the input, as a stream of paths. */
  private static Dataset<Row> images(SparkSession spark, LabelConf conf) {
    return spark
        .readStream()
        .format("binaryFile")
        .schema(BINARY_FILES)
        .option("recursiveFileLookup", "true")
        .option("pathGlobFilter", InputImages.IMAGE_GLOB)
        .option("maxFilesPerTrigger", conf.filesPerTrigger())
        // Never skip a file for its age: images often land with old modification times. The price
        // is a seen-files log that keeps every file (README, "limits").
        .option("maxFileAge", "36500d")
        .load(conf.inference().input())
        .select("path");
  }

  /**
   * The lines of the manifest files under the input (text, one image URI per line), as a stream:
   * each new manifest file's images are labelled once, one manifest file per batch.
   */
  private static Dataset<Row> manifests(SparkSession spark, LabelConf conf) {
    return spark
        .readStream()
        .format("text")
        .option("maxFilesPerTrigger", 1)
        .option("maxFileAge", "36500d")
        .load(conf.inference().input());
  }

  /** Waits until the first trigger (at most one batch) has run and been committed. */
  private static void awaitFirstTrigger(StreamingQuery query) throws StreamingQueryException {
    while (query.isActive() && (query.lastProgress() == null || query.status().isTriggerActive())) {
      query.awaitTermination(100);
    }
    if (query.exception().isDefined()) {
      throw query.exception().get();
    }
  }

  /** The failure inside the stream as the job's own (usage errors stay usage errors). */
  private static RuntimeException unwrap(StreamingQueryException e) {
    Throwable t = e.getCause();
    while (t != null) {
      if (t instanceof UsageException u) {
        return u;
      }
      if (t instanceof PipelineException p) {
        return p;
      }
      t = t.getCause();
    }
    return new PipelineException("Cannot label: " + e.getMessage(), e);
  }

  private static void requireInput(SparkSession spark, String input, boolean manifest) {
    if (input.contains("*") || input.contains("?") || input.contains("{")) {
      return; // a glob: the source resolves it
    }
    try {
      Path path = new Path(input);
      FileSystem fs = fileSystem(spark, input);
      if (!fs.exists(path)) {
        throw new UsageException("Cannot read input " + input + ": no such file or directory");
      }
      if (manifest && !fs.getFileStatus(path).isDirectory()) {
        throw new UsageException(
            "Cannot label from --input-manifest "
                + input
                + ": it is a file (expected a folder of manifest files, each labelled once when"
                + " it appears; put the file in a folder)");
      }
    } catch (IOException e) {
      throw new UsageException("Cannot read input " + input + ": " + e.getMessage(), e);
    }
  }

  /** An output holds one task's rows: a model of another task would mix columns. */
  private static void requireSameTask(
      SparkSession spark, FileSystem fs, LabelState state, InferenceConf inference) {
    try {
      if (!fs.exists(state.predictions()) || fs.listStatus(state.predictions()).length == 0) {
        return;
      }
    } catch (IOException e) {
      throw new PipelineException("Cannot read " + state.predictions() + ": " + e.getMessage(), e);
    }
    List<String> existing = List.of(spark.read().parquet(state.predictions().toString()).columns());
    String column =
        InferenceTasks.forSpec(inference.spec(), TaskOptions.defaults())
            .rows()
            .columns()
            .fieldNames()[0];
    if (!existing.contains(column)) {
      throw new UsageException(
          "Cannot label into "
              + state.output()
              + " with model "
              + inference.spec().name()
              + ": its predictions/ hold another task's rows (expected a column "
              + column
              + ", got "
              + existing
              + "; use one output per task)");
    }
  }

  private static void writeRunRecord(
      SparkSession spark,
      LabelState state,
      String runId,
      Instant started,
      Instant ended,
      BatchPublisher publisher,
      ModelSpec spec) {
    double seconds = Math.max(1e-3, (ended.toEpochMilli() - started.toEpochMilli()) / 1000.0);
    Row record =
        RowFactory.create(
            runId,
            Timestamp.from(started),
            Timestamp.from(ended),
            publisher.newImages(),
            publisher.ok(),
            publisher.newImages() - publisher.ok(),
            publisher.newImages() / seconds,
            spec.name(),
            state.sha256());
    spark
        .createDataFrame(List.of(record), RUNS)
        .coalesce(1)
        .write()
        .mode(SaveMode.Append)
        .parquet(state.runs().toString());
  }

  private static FileSystem fileSystem(SparkSession spark, String uri) {
    try {
      return new Path(uri).getFileSystem(spark.sparkContext().hadoopConfiguration());
    } catch (IOException e) {
      throw new UsageException("Cannot use " + uri + ": " + e.getMessage(), e);
    }
  }

  /** spark-submit entry point: the same arguments as {@code scripts/pipeline label}. */
  public static void main(String[] args) {
    PipelineCli.exit(PipelineCli.execute(COMMAND, args));
  }
}
