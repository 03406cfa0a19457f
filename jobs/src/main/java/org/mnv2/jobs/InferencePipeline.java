package org.mnv2.jobs;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.SerializableConfiguration;
import org.mnv2.udf.InferenceTask;
import org.mnv2.udf.InferenceTasks;
import org.mnv2.udf.ModelHandle;
import org.mnv2.udf.ModelHandles;
import org.mnv2.udf.PartitionRunner;
import org.mnv2.udf.Schemas;
import org.mnv2.udf.StageTimers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The path every inference command shares: check and broadcast the model, read the images, run the
 * batched partition runner, write {@code predictions/} as Parquet through Spark's commit protocol,
 * count what was written, and describe the run.
 */
final class InferencePipeline {
  private static final Logger LOG = LoggerFactory.getLogger(InferencePipeline.class);

  private InferencePipeline() {}

  /** A finished run: its summary and the predictions as written (read back from Parquet). */
  record Result(RunSummary summary, Dataset<Row> predictions, OutputLocation output) {}

  static Result run(SparkSession spark, InferenceConf conf, String command) {
    return run(spark, conf, command, null);
  }

  /**
   * Runs on {@code images} (e.g. the images of a VOC split), or on those under {@code conf.input()}
   * when null.
   */
  static Result run(
      SparkSession spark, InferenceConf conf, String command, InputImages.Images images) {
    long start = System.nanoTime();
    String runId = UUID.randomUUID().toString();
    OutputLocation output =
        new OutputLocation(conf.output(), spark.sparkContext().hadoopConfiguration());
    output.prepare(conf.mode());
    OutputCommitters.configure(spark, output.uri());
    InferenceTask<?> task = InferenceTasks.forSpec(conf.spec(), conf.taskOptions());
    ModelHandle handle =
        ModelHandles.prepare(
            spark, conf.spec(), task, conf.intraOpThreads(), conf.batchSize(), conf.device());
    if (images == null) {
      images = InputImages.read(spark, conf.input(), conf.imagesPerPartition());
    }
    StageTimers timers = StageTimers.register(spark.sparkContext());
    StructType schema = Schemas.predictions(task.rows().columns());
    Dataset<Row> predictions =
        images
            .rows()
            .mapPartitions(
                runner(handle, task, runId, timers, hadoopConf(spark)), Encoders.row(schema));
    String predictionsUri = output.child("predictions");
    LOG.info("Running {} on {} images with model {}", command, images.count(), conf.spec().name());
    predictions.write().mode(SaveMode.ErrorIfExists).parquet(predictionsUri);
    double wall = (System.nanoTime() - start) / 1e9;
    Dataset<Row> written = spark.read().parquet(predictionsUri);
    long total = 0;
    long ok = 0;
    for (Row r : written.groupBy("status").count().collectAsList()) {
      total += r.getLong(1);
      if (Schemas.OK.equals(r.getString(0))) {
        ok = r.getLong(1);
      }
    }
    Map<String, Long> stages = new LinkedHashMap<>();
    stages.put("read", timers.readNanos().sum() / 1_000_000);
    stages.put("decode", timers.decodeNanos().sum() / 1_000_000);
    stages.put("preprocess", timers.preprocessNanos().sum() / 1_000_000);
    stages.put("inference", timers.inferenceNanos().sum() / 1_000_000);
    stages.put("postprocess", timers.postprocessNanos().sum() / 1_000_000);
    RunSummary summary =
        new RunSummary(
            runId,
            command,
            conf.spec().name(),
            spark.sparkContext().master(),
            output.uri(),
            total,
            ok,
            total - ok,
            wall,
            total / wall,
            timers.sessionsBuilt().sum(),
            stages,
            Map.of());
    LOG.info(
        "{} done: {} images ({} ok, {} errors) in {} s, {} images/s",
        command,
        total,
        ok,
        total - ok,
        String.format("%.1f", wall),
        String.format("%.1f", total / wall));
    return new Result(summary, written, output);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static PartitionRunner<?> runner(
      ModelHandle handle,
      InferenceTask<?> task,
      String runId,
      StageTimers timers,
      Broadcast<SerializableConfiguration> hadoopConf) {
    return new PartitionRunner(handle, task, runId, timers, hadoopConf);
  }

  /** The session's Hadoop configuration, broadcast for executors that read input files. */
  static Broadcast<SerializableConfiguration> hadoopConf(SparkSession spark) {
    return JavaSparkContext.fromSparkContext(spark.sparkContext())
        .broadcast(new SerializableConfiguration(spark.sparkContext().hadoopConfiguration()));
  }

  /** Writes summary.json. */
  static void writeSummary(OutputLocation output, RunSummary summary) {
    output.writeText("summary.json", Json.write(summary.toJson()));
  }

  static List<String> columns(Dataset<Row> df) {
    return List.of(df.columns());
  }
}
