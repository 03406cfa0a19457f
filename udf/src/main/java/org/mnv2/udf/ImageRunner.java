package org.mnv2.udf;

import java.util.List;
import java.util.Map;
import org.mnv2.model.image.ImageDecodeException;
import org.mnv2.model.image.Preprocessor;
import org.mnv2.model.runtime.InputBatch;
import org.mnv2.model.runtime.Tensor;

/**
 * Single images through a model, for the SQL functions: the task's hold on the session, one
 * preprocessor and a one-image input buffer, reused for every row the task evaluates.
 *
 * @param <R> the task's per-image result
 */
final class ImageRunner<R> implements AutoCloseable {
  private final InferenceTask<R> task;
  private final TaskSession held;
  private final Preprocessor pre;
  private final InputBatch batch;

  private ImageRunner(ModelHandle handle, InferenceTask<R> task, TaskSession held) {
    this.task = task;
    this.held = held;
    this.pre = new Preprocessor(handle.spec().input());
    this.batch = new InputBatch(handle.spec().input(), 1);
  }

  static <R> ImageRunner<R> open(ModelHandle handle, InferenceTask<R> task) {
    int device = DeviceSelection.forCurrentTask(handle.device());
    return new ImageRunner<>(handle, task, TaskSession.open(handle, device));
  }

  /**
   * The result for one image's bytes.
   *
   * @throws ImageDecodeException when the bytes are not a usable image
   */
  R run(byte[] content) {
    Preprocessor.Prepared prepared = pre.prepare(pre.decode(content));
    PartitionRunner.write(pre, batch, prepared.rgb(), 0);
    batch.setSize(1);
    Map<String, Tensor> out = held.runner().run(batch);
    return task.postprocessor().decode(out, List.of(prepared.geometry())).get(0);
  }

  /** Closes this when the current Spark task completes (see {@link TaskSession}). */
  void closeWithCurrentTask() {
    held.closeWithCurrentTask();
  }

  SessionKey key() {
    return held.key();
  }

  @Override
  public void close() {
    held.close();
  }
}
