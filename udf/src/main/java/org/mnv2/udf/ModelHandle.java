package org.mnv2.udf;

import java.io.Serializable;
import org.apache.spark.broadcast.Broadcast;
import org.mnv2.model.runtime.SessionOptions;
import org.mnv2.model.spec.ModelSpec;

/**
 * What a Spark closure carries to reach a model: the spec, the broadcast model bytes (read once on
 * the driver; executors never read the model URI), their SHA-256 (the session cache key), session
 * options and the largest batch the model accepts. Small and serialisable.
 */
public record ModelHandle(
    ModelSpec spec,
    Broadcast<byte[]> bytes,
    String sha256,
    SessionOptions options,
    DeviceMode device,
    int maxBatch)
    implements Serializable {}
