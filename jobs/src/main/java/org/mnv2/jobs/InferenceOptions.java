package org.mnv2.jobs;

import org.mnv2.model.spec.ModelSpec;
import org.mnv2.udf.DeviceMode;
import org.mnv2.udf.TaskOptions;
import picocli.CommandLine.Option;

/** Options shared by classify, detect and segment. */
final class InferenceOptions {
  @Option(names = "--input", required = true, description = "images: directory, glob or file URI")
  String input;

  @Option(names = "--output", required = true, description = "output folder URI")
  String output;

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

  /** The typed conf, resolved before Spark starts; {@code spec} may be null until loaded. */
  InferenceConf conf(
      java.util.Map<String, String> sparkConf,
      JobSettings settings,
      OutputMode mode,
      ModelSpec spec,
      TaskOptions taskOptions,
      String labelsUri) {
    String cpus =
        sparkConf.getOrDefault("spark.task.cpus", System.getProperty("spark.task.cpus", "1"));
    int taskCpus;
    try {
      taskCpus = Integer.parseInt(cpus.trim());
    } catch (NumberFormatException e) {
      throw new org.mnv2.model.UsageException(
          "Cannot use spark.task.cpus '" + cpus + "' (expected a positive integer)");
    }
    return new InferenceConf(
        input,
        output,
        mode,
        spec,
        settings.positiveInt(
            JobSettings.BATCH_SIZE, batchSize, JobSettings.BATCH_SIZE_DEFAULT, "--batch-size"),
        settings.positiveInt(
            JobSettings.IMAGES_PER_PARTITION,
            imagesPerPartition,
            JobSettings.IMAGES_PER_PARTITION_DEFAULT,
            "--images-per-partition"),
        settings.positiveInt(JobSettings.INTRA_OP_THREADS, threads, taskCpus, "--threads"),
        DeviceMode.parse(settings.get(JobSettings.DEVICE, device, JobSettings.DEVICE_DEFAULT)),
        taskOptions,
        labelsUri);
  }
}
