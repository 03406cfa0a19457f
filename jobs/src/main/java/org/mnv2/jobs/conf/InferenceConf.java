package org.mnv2.jobs.conf;

import org.mnv2.model.spec.ModelSpec;
import org.mnv2.udf.DeviceMode;
import org.mnv2.udf.ReadAheadConf;
import org.mnv2.udf.TaskOptions;

/**
 * A typed view of a classify / detect / segment command: where to read and write, which model and
 * how to run it.
 *
 * @param input the images: a directory, glob or file URI, or with {@code manifest} a file (or
 *     folder of files) listing image URIs
 * @param manifest whether {@code input} is a manifest ({@code --input-manifest})
 * @param readAhead images read ahead and decoding threads per task ({@code --read-ahead}, {@code
 *     --decode-threads})
 * @param labelsUri classification only: a CSV (file, class_index) to score top-1 / top-5 against;
 *     null for none
 */
public record InferenceConf(
    String input,
    boolean manifest,
    String output,
    OutputMode mode,
    ModelSpec spec,
    int batchSize,
    int imagesPerPartition,
    int intraOpThreads,
    DeviceMode device,
    ReadAheadConf readAhead,
    TaskOptions taskOptions,
    String labelsUri) {

  /**
   * Defaults for tests and embedding: batch 8, 128 images per partition, 1 thread, CPU, 16 images
   * read ahead, decoding in the task thread.
   */
  public static InferenceConf of(String input, String output, ModelSpec spec) {
    return new InferenceConf(
        input,
        false,
        output,
        OutputMode.ERROR,
        spec,
        JobSettings.BATCH_SIZE_DEFAULT,
        JobSettings.IMAGES_PER_PARTITION_DEFAULT,
        1,
        DeviceMode.AUTO,
        ReadAheadConf.defaults(),
        TaskOptions.defaults(),
        null);
  }

  public InferenceConf withMode(OutputMode newMode) {
    return new Copy(this).mode(newMode).build();
  }

  public InferenceConf withSpec(ModelSpec newSpec) {
    return new Copy(this).spec(newSpec).build();
  }

  public InferenceConf withLabels(String uri) {
    return new Copy(this).labels(uri).build();
  }

  public InferenceConf withBatching(int batch, int perPartition) {
    return new Copy(this).batching(batch, perPartition).build();
  }

  public InferenceConf withReadAhead(ReadAheadConf value) {
    return new Copy(this).readAhead(value).build();
  }

  /** The images listed by the manifest {@code uri} instead of those under a folder. */
  public InferenceConf withManifest(String uri) {
    return new Copy(this).manifest(uri).build();
  }

  /** A copy with some components replaced. */
  private static final class Copy {
    private final InferenceConf c;
    private String input;
    private boolean manifest;
    private OutputMode mode;
    private ModelSpec spec;
    private int batchSize;
    private int imagesPerPartition;
    private ReadAheadConf readAhead;
    private String labelsUri;

    Copy(InferenceConf c) {
      this.c = c;
      this.input = c.input;
      this.manifest = c.manifest;
      this.mode = c.mode;
      this.spec = c.spec;
      this.batchSize = c.batchSize;
      this.imagesPerPartition = c.imagesPerPartition;
      this.readAhead = c.readAhead;
      this.labelsUri = c.labelsUri;
    }

    Copy mode(OutputMode value) {
      mode = value;
      return this;
    }

    Copy spec(ModelSpec value) {
      spec = value;
      return this;
    }

    Copy labels(String value) {
      labelsUri = value;
      return this;
    }

    Copy batching(int batch, int perPartition) {
      batchSize = batch;
      imagesPerPartition = perPartition;
      return this;
    }

    Copy readAhead(ReadAheadConf value) {
      readAhead = value;
      return this;
    }

    Copy manifest(String uri) {
      input = uri;
      manifest = true;
      return this;
    }

    InferenceConf build() {
      return new InferenceConf(
          input,
          manifest,
          c.output,
          mode,
          spec,
          batchSize,
          imagesPerPartition,
          c.intraOpThreads,
          c.device,
          readAhead,
          c.taskOptions,
          labelsUri);
    }
  }
}
