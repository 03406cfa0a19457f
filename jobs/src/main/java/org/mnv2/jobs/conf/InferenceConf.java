package org.mnv2.jobs.conf;

import org.mnv2.model.spec.ModelSpec;
import org.mnv2.udf.DeviceMode;
import org.mnv2.udf.TaskOptions;

/**
 * A typed view of a classify / detect / segment command: where to read and write, which model and
 * how to run it.
 *
 * @param labelsUri classification only: a CSV (file, class_index) to score top-1 / top-5 against;
 *     null for none
 */
public record InferenceConf(
    String input,
    String output,
    OutputMode mode,
    ModelSpec spec,
    int batchSize,
    int imagesPerPartition,
    int intraOpThreads,
    DeviceMode device,
    TaskOptions taskOptions,
    String labelsUri) {

  /** Defaults for tests and embedding: batch 8, 128 images per partition, 1 thread, CPU. */
  public static InferenceConf of(String input, String output, ModelSpec spec) {
    return new InferenceConf(
        input,
        output,
        OutputMode.ERROR,
        spec,
        JobSettings.BATCH_SIZE_DEFAULT,
        JobSettings.IMAGES_PER_PARTITION_DEFAULT,
        1,
        DeviceMode.AUTO,
        TaskOptions.defaults(),
        null);
  }

  public InferenceConf withMode(OutputMode newMode) {
    return new InferenceConf(
        input,
        output,
        newMode,
        spec,
        batchSize,
        imagesPerPartition,
        intraOpThreads,
        device,
        taskOptions,
        labelsUri);
  }

  public InferenceConf withSpec(ModelSpec newSpec) {
    return new InferenceConf(
        input,
        output,
        mode,
        newSpec,
        batchSize,
        imagesPerPartition,
        intraOpThreads,
        device,
        taskOptions,
        labelsUri);
  }

  public InferenceConf withLabels(String uri) {
    return new InferenceConf(
        input,
        output,
        mode,
        spec,
        batchSize,
        imagesPerPartition,
        intraOpThreads,
        device,
        taskOptions,
        uri);
  }

  public InferenceConf withBatching(int batch, int perPartition) {
    return new InferenceConf(
        input,
        output,
        mode,
        spec,
        batch,
        perPartition,
        intraOpThreads,
        device,
        taskOptions,
        labelsUri);
  }
}
