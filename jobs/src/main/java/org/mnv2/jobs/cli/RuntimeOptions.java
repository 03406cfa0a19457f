package org.mnv2.jobs.cli;

import org.mnv2.jobs.conf.InferenceConf;
import org.mnv2.jobs.conf.JobSettings;
import org.mnv2.jobs.conf.OutputMode;
import org.mnv2.model.spec.ModelSpec;
import org.mnv2.udf.TaskOptions;
import picocli.CommandLine.Option;

/** How a model runs: the options of every command that runs one. */
public final class RuntimeOptions {
  @Option(names = "--batch-size", description = "images per ONNX Runtime call (default 8)")
  Integer batchSize;

  @Option(
      names = "--images-per-partition",
      description = "images per Spark partition (default 128)")
  Integer imagesPerPartition;

  @Option(
      names = "--threads",
      description = "ONNX Runtime intra-op threads per task (default spark.task.cpus)")
  Integer threads;

  @Option(names = "--device", description = "auto (default), cpu or gpu")
  String device;

  @Option(
      names = "--read-ahead",
      description =
          "images read ahead per task on reader threads, at most this many reads in flight"
              + " (default 16)")
  Integer readAhead;

  @Option(
      names = "--decode-threads",
      description =
          "threads per task that decode and preprocess images ahead while the task runs the"
              + " model; 0 decodes in the task thread (default 0)")
  Integer decodeThreads;

  /** The typed conf of a model run, resolved before Spark starts; {@code spec} may be null. */
  public InferenceConf conf(
      JobSettings settings,
      String input,
      boolean manifest,
      String output,
      OutputMode mode,
      ModelSpec spec,
      TaskOptions taskOptions,
      String labelsUri) {
    return new InferenceConf(
        input,
        manifest,
        output,
        mode,
        spec,
        settings.batchSize(batchSize),
        settings.imagesPerPartition(imagesPerPartition),
        settings.intraOpThreads(threads),
        settings.device(device),
        settings.readAhead(readAhead, decodeThreads),
        taskOptions,
        labelsUri);
  }
}
