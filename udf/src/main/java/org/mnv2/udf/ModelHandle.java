package org.mnv2.udf;

import java.io.Serializable;
import org.apache.spark.broadcast.Broadcast;
import org.mnv2.model.runtime.SessionOptions;
import org.mnv2.model.spec.ModelSpec;

/**
 * What a Spark closure carries to reach a model: the spec, the broadcast model bytes (read once on
 * the driver; executors never read the model URI), their SHA-256 (with the session options, the
 * session cache key), session options and the largest batch the model accepts. Small and
 * serialisable. The driver {@link #destroy() destroys} it when the run it was prepared for ends.
 */
public record ModelHandle(
    ModelSpec spec,
    Broadcast<byte[]> bytes,
    String sha256,
    SessionOptions options,
    DeviceMode device,
    int maxBatch)
    implements Serializable {

  /**
   * Frees the broadcast model bytes on the driver and on every executor. Call it on the driver once
   * the run's last Spark action has finished: a task started on this handle later fails, but the
   * sessions executors already built stay cached (see {@link ExecutorSessions#closeIdle()}). Safe
   * to call twice.
   */
  public void destroy() {
    // isValid() is Spark-internal in Scala (private[spark]) but public in the bytecode; it is the
    // only way to make a second destroy() a no-op instead of a SparkException.
    if (bytes.isValid()) {
      bytes.destroy();
    }
  }
}
