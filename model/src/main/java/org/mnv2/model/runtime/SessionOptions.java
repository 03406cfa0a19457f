package org.mnv2.model.runtime;

import java.io.Serializable;

/**
 * How to open an ONNX Runtime session: intra-op threads (one per Spark task core: {@code
 * spark.task.cpus}) and the device (-1 = CPU, else a CUDA device id).
 */
public record SessionOptions(int intraOpThreads, int gpuDevice) implements Serializable {
  public SessionOptions {
    if (intraOpThreads < 1) {
      throw new IllegalArgumentException("intraOpThreads must be >= 1, got " + intraOpThreads);
    }
  }

  /** CPU with {@code threads} intra-op threads. */
  public static SessionOptions cpu(int threads) {
    return new SessionOptions(threads, -1);
  }

  /**
   * These options on {@code device} (-1 = CPU, else a CUDA device id). A GPU session gets one
   * intra-op thread whatever was asked: its CPU threads only run the few nodes the CUDA provider
   * leaves to the CPU, and one session serves every task sharing that GPU, each task bringing its
   * own calling thread; more threads per session would only contend with the tasks' decoding.
   */
  public SessionOptions onDevice(int device) {
    return new SessionOptions(device >= 0 ? 1 : intraOpThreads, device);
  }

  public boolean gpu() {
    return gpuDevice >= 0;
  }
}
