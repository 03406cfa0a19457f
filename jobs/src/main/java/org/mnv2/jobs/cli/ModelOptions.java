package org.mnv2.jobs.cli;

import org.apache.spark.sql.SparkSession;
import org.mnv2.model.UsageException;
import org.mnv2.model.spec.LocalResources;
import org.mnv2.model.spec.ModelSpec;
import org.mnv2.model.spec.ModelSpecLoader;
import org.mnv2.model.spec.Task;
import org.mnv2.udf.HadoopResources;
import picocli.CommandLine.Option;

/** {@code --model} and {@code --model-uri}, and loading the spec they name. */
public final class ModelOptions {
  @Option(
      names = "--model",
      description =
          "model spec: a name in conf/models or a spec file (default: synth-mobilenetv2 for"
              + " classify and label, synth-ssdlite for detect and eval-coco, synth-deeplabv3 for segment)")
  String model;

  @Option(names = "--model-uri", description = "ONNX file replacing the spec's uri")
  String modelUri;

  boolean given() {
    return model != null || modelUri != null;
  }

  /** The spec as given ({@code --model}), or {@code defaultModel}. */
  public String name(String defaultModel) {
    return model == null ? defaultModel : model;
  }

  /**
   * The spec if it can be read without Spark (local or shipped), checked to be a {@code task}
   * model; null when it lives on a remote file system.
   */
  public ModelSpec loadEarly(String defaultModel, Task task) {
    String name = name(defaultModel);
    if (!LocalResources.isLocal(name)) {
      return null;
    }
    return checkTask(new ModelSpecLoader(new LocalResources()).load(name, modelUri), task);
  }

  /** The spec: {@code early}, or read through Hadoop when it lives on a remote file system. */
  ModelSpec load(SparkSession spark, String defaultModel, Task task, ModelSpec early) {
    if (early != null) {
      return early;
    }
    ModelSpecLoader loader =
        new ModelSpecLoader(new HadoopResources(spark.sparkContext().hadoopConfiguration()));
    return checkTask(loader.load(name(defaultModel), modelUri), task);
  }

  /** {@code spec}, checked to be a model of {@code expected} (any task when null). */
  private static ModelSpec checkTask(ModelSpec spec, Task expected) {
    if (expected != null && spec.task() != expected) {
      throw new UsageException(
          "Cannot use model "
              + spec.name()
              + " here: it is a "
              + spec.task().name().toLowerCase()
              + " model (expected "
              + expected.name().toLowerCase()
              + ")");
    }
    return spec;
  }
}
