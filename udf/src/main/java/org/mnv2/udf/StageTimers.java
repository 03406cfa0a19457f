package org.mnv2.udf;

import java.io.Serializable;
import org.apache.spark.SparkContext;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;

/**
 * Where task time goes, in nanoseconds summed over all tasks, plus sessions built. Reported in
 * summary.json ({@code task_millis_by_stage}). Each stage is timed on the thread that does it:
 *
 * <ul>
 *   <li>{@code readNanos}: reading image files (open + read all bytes), on reader threads, which
 *       run several reads of a task at once: it can exceed the task's wall time, and is not time a
 *       core was busy (mostly waiting for the store);
 *   <li>{@code decodeNanos}, {@code preprocessNanos}: decoding and resizing, on the task thread or
 *       (with decoding threads) on those; preprocess also counts the task thread's copy of each
 *       batch into the input tensor;
 *   <li>{@code inferenceNanos}, {@code postprocessNanos}: the task thread's ONNX Runtime calls and
 *       decoding of their outputs;
 *   <li>{@code waitNanos}: the task thread's wall time blocked waiting for the next image to be
 *       read (and, with decoding threads, prepared). What read-ahead did not hide: near 0 when
 *       reads and decoding keep up with the model.
 * </ul>
 *
 * <p>{@code jpegDecoders}: the JPEG decoder of each task's JVM ({@code turbojpeg} or {@code
 * imageio}), added once per task, so that summary.json names what the executors used.
 *
 * <p>Also the images done and the error rows among them, added once per batch: executor heartbeats
 * carry a running task's values, which is how the driver's progress line moves within a task. All
 * accumulators are added to on the task thread only (a {@link LongAccumulator} is not thread-safe):
 * other threads' times travel with their image.
 */
public record StageTimers(
    LongAccumulator readNanos,
    LongAccumulator decodeNanos,
    LongAccumulator preprocessNanos,
    LongAccumulator inferenceNanos,
    LongAccumulator postprocessNanos,
    LongAccumulator sessionsBuilt,
    LongAccumulator imagesDone,
    LongAccumulator imageErrors,
    LongAccumulator waitNanos,
    CollectionAccumulator<String> jpegDecoders)
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
        sc.longAccumulator("mnv2.images.errors"),
        sc.longAccumulator("mnv2.wait.nanos"),
        sc.collectionAccumulator("mnv2.jpeg.decoders"));
  }

  /** Counts one batch of {@code images}, {@code errors} of them error rows. */
  public void countBatch(int images, long errors) {
    imagesDone.add(images);
    imageErrors.add(errors);
  }
}
