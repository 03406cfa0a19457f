package org.mnv2.jobs;

import org.apache.spark.sql.SparkSession;
import org.mnv2.model.spec.LocalResources;
import org.mnv2.model.spec.ModelSpec;
import org.mnv2.model.spec.ModelSpecLoader;
import org.mnv2.udf.HadoopResources;
import picocli.CommandLine.Option;

/** {@code --model} and {@code --model-uri}. */
final class ModelOptions {
  @Option(
      names = "--model",
      description = "model spec: a name in conf/models or a spec file (default: ${DEFAULT-VALUE})")
  String model;

  @Option(names = "--model-uri", description = "ONNX file replacing the spec's uri")
  String modelUri;

  /** The spec if it can be read without Spark (local or shipped), else null. */
  ModelSpec loadEarly(String defaultModel) {
    String name = model == null ? defaultModel : model;
    if (!LocalResources.isLocal(name)) {
      return null;
    }
    return new ModelSpecLoader(new LocalResources()).load(name, modelUri);
  }

  /** The spec, read through Hadoop when it lives on a remote file system. */
  ModelSpec load(SparkSession spark, String defaultModel, ModelSpec early) {
    if (early != null) {
      return early;
    }
    String name = model == null ? defaultModel : model;
    return new ModelSpecLoader(new HadoopResources(spark.sparkContext().hadoopConfiguration()))
        .load(name, modelUri);
  }
}
