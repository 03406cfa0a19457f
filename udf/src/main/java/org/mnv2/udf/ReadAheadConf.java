package org.mnv2.udf;

import java.io.Serializable;

/**
 * How {@link PartitionRunner} gets a task's images ready ahead of the model (see {@link
 * ReadAhead}).
 *
 * @param readAhead images read ahead per task on reader threads: at most this many reads in flight
 *     and this many images' bytes held per task; 1 reads one image ahead
 * @param decodeThreads threads per task that decode and preprocess the images read ahead while the
 *     task thread runs the model; 0 decodes in the task thread
 */
public record ReadAheadConf(int readAhead, int decodeThreads) implements Serializable {
  public static final int READ_AHEAD_DEFAULT = 16;
  public static final int DECODE_THREADS_DEFAULT = 0;

  public ReadAheadConf {
    if (readAhead < 1) {
      throw new IllegalArgumentException(
          "Cannot read ahead " + readAhead + " images per task (expected at least 1)");
    }
    if (decodeThreads < 0) {
      throw new IllegalArgumentException(
          "Cannot decode on " + decodeThreads + " threads per task (expected 0 or more)");
    }
  }

  /** 16 images read ahead, decoded in the task thread. */
  public static ReadAheadConf defaults() {
    return new ReadAheadConf(READ_AHEAD_DEFAULT, DECODE_THREADS_DEFAULT);
  }
}
