package org.mnv2.udf;

import java.io.Serializable;
import org.apache.spark.SparkContext;
import org.apache.spark.util.LongAccumulator;

/**
 * Where task time goes, summed over all tasks: read, decode, preprocess, inference, postprocess
 * (nanoseconds of the task thread's wall clock), plus sessions built. Reported in summary.json.
 * Also the images done and the error rows among them, added once per batch: executor heartbeats
 * carry a running task's values, which is how the driver's progress line moves within a task.
 */
public record StageTimers(
    LongAccumulator readNanos,
    LongAccumulator decodeNanos,
    LongAccumulator preprocessNanos,
    LongAccumulator inferenceNanos,
    LongAccumulator postprocessNanos,
    LongAccumulator sessionsBuilt,
    LongAccumulator imagesDone,
    LongAccumulator imageErrors)
    implements Serializable {

  /** Registers fresh accumulators on {@code sc}. */
  public static StageTimers register(SparkContext sc) {
    return new StageTimers(
        sc.longAccumulator("mnv2.read.nanos"),
        sc.longAccumulator("mnv2.decode.nanos"),
        sc.longAccumulator("mnv2.preprocess.nanos"),
        sc.longAccumulator("mnv2.inference.nanos"),
        sc.longAccumulator("mnv2.postprocess.nanos"),
        sc.longAccumulator("mnv2.sessions.built"),
        sc.longAccumulator("mnv2.images.done"),
        sc.longAccumulator("mnv2.images.errors"));
  }

  /** Counts one batch of {@code images}, {@code errors} of them error rows. */
  public void countBatch(int images, long errors) {
    imagesDone.add(images);
    imageErrors.add(errors);
  }
}
