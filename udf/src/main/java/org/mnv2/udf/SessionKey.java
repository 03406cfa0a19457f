package org.mnv2.udf;

import org.mnv2.model.runtime.SessionOptions;

/**
 * Everything that shapes an ONNX Runtime session, hence the key of an executor's session cache: the
 * model (by the SHA-256 of its bytes) and the session options as they apply on the task's device
 * (intra-op threads, device). A job asking for 2 threads never reuses a 1-thread session of the SQL
 * functions, and the reverse.
 *
 * @param sha256 the model bytes' SHA-256, hex
 * @param options the options of the session to open, device included
 */
public record SessionKey(String sha256, SessionOptions options) {
  public SessionKey {
    if (sha256 == null || sha256.isBlank()) {
      throw new IllegalArgumentException("Cannot key a session: the model's SHA-256 is empty");
    }
    if (options == null) {
      throw new IllegalArgumentException("Cannot key a session: its options are null");
    }
  }

  /** The key of {@code handle}'s session on {@code gpuDevice} (-1 = CPU). */
  public static SessionKey of(ModelHandle handle, int gpuDevice) {
    return new SessionKey(handle.sha256(), handle.options().onDevice(gpuDevice));
  }

  @Override
  public String toString() {
    return sha256.substring(0, Math.min(12, sha256.length()))
        + "@"
        + (options.gpu() ? "gpu" + options.gpuDevice() : "cpu")
        + "/"
        + options.intraOpThreads()
        + "t";
  }
}
