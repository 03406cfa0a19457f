package org.mnv2.model.runtime;

import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One caller's way into a shared {@link OnnxSession}: one DJL predictor, opened by {@link
 * OnnxSession#newRunner()} and held until {@link #close()}, so a task with many batches opens one
 * predictor, not one per batch. Not thread-safe (DJL predictors are not): one runner per task.
 */
public final class SessionRunner implements AutoCloseable {
  private final OnnxSession session;
  private final Predictor<InputBatch, Map<String, Tensor>> predictor;
  private final AtomicBoolean closed = new AtomicBoolean();

  SessionRunner(OnnxSession session, Predictor<InputBatch, Map<String, Tensor>> predictor) {
    this.session = session;
    this.predictor = predictor;
  }

  /** Runs one batch; returns every output by name, copied to heap floats. */
  public Map<String, Tensor> run(InputBatch batch) {
    if (closed.get()) {
      throw new IllegalStateException(
          "Cannot run model " + session.spec().name() + ": its runner is closed");
    }
    session.checkOpen();
    try {
      return predictor.predict(batch);
    } catch (TranslateException e) {
      throw session.runFailed(batch, e);
    }
  }

  /** Closes the predictor (not the session, which other runners share). Safe to call twice. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      predictor.close();
    }
  }
}
