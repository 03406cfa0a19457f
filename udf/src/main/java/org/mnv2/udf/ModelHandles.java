package org.mnv2.udf;

import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.mnv2.model.UsageException;
import org.mnv2.model.runtime.ModelInspector;
import org.mnv2.model.runtime.ModelSignature;
import org.mnv2.model.runtime.SessionOptions;
import org.mnv2.model.spec.ModelSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * Driver side of model distribution: read the ONNX bytes once, check the SHA-256 and the spec
 * against the model, and broadcast the bytes (Spark's torrent broadcast reaches each executor
 * once). Executors never read the model URI themselves.
 */
public final class ModelHandles {
  private static final Logger LOG = LoggerFactory.getLogger(ModelHandles.class);

  private ModelHandles() {}

  /**
   * Prepares {@code spec} for executors.
   *
   * @param threads intra-op threads per session (one per task core)
   * @param batchSize wanted batch; capped by a model with a static batch dimension
   */
  public static ModelHandle prepare(
      SparkSession spark,
      ModelSpec spec,
      InferenceTask<?> task,
      int threads,
      int batchSize,
      DeviceMode device) {
    DeviceSelection.checkGpuScheduled(device, spark.sparkContext().master(), sparkConf(spark));
    long start = System.nanoTime();
    byte[] bytes = read(spark, spec);
    String sha = sha256(bytes);
    if (spec.sha256() != null && !spec.sha256().equals(sha)) {
      throw new UsageException(
          "Cannot use model "
              + spec.name()
              + ": SHA-256 of "
              + spec.uri()
              + " is "
              + sha
              + " (expected "
              + spec.sha256()
              + " from the spec)");
    }
    ModelSignature signature = ModelInspector.signature(spec, bytes);
    ModelInspector.check(spec, signature, task.postprocessor().requiredOutputs());
    task.postprocessor().check(signature);
    int maxBatch = ModelInspector.maxBatch(spec, signature, batchSize);
    var broadcast = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(bytes);
    LOG.info(
        "Model {} ({} bytes, sha256 {}) checked and broadcast in {} ms; batch {}",
        spec.name(),
        bytes.length,
        sha,
        (System.nanoTime() - start) / 1_000_000,
        maxBatch);
    return new ModelHandle(spec, broadcast, sha, SessionOptions.cpu(threads), device, maxBatch);
  }

  private static Map<String, String> sparkConf(SparkSession spark) {
    Map<String, String> conf = new HashMap<>();
    for (Tuple2<String, String> entry : spark.sparkContext().getConf().getAll()) {
      conf.put(entry._1(), entry._2());
    }
    return conf;
  }

  /** The model file's bytes, from any supported URI. */
  static byte[] read(SparkSession spark, ModelSpec spec) {
    try {
      return new HadoopResources(spark.sparkContext().hadoopConfiguration()).read(spec.uri());
    } catch (IOException e) {
      throw new UsageException(
          "Cannot read model " + spec.name() + " from " + spec.uri() + ": " + e.getMessage(), e);
    }
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
