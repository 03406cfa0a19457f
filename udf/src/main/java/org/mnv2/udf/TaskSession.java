package org.mnv2.udf;

import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.TaskContext;
import org.apache.spark.util.TaskCompletionListener;
import org.mnv2.model.runtime.SessionRunner;
import org.mnv2.udf.ExecutorSessions.SessionLease;

/**
 * A task's hold on its model: a lease on the executor's shared session and the task's own runner
 * (one DJL predictor for all its batches). Closed once, when the task is done with it: the runner
 * first, then the lease.
 */
final class TaskSession implements AutoCloseable {
  private final SessionLease lease;
  private final SessionRunner runner;
  private final AtomicBoolean closed = new AtomicBoolean();

  private TaskSession(SessionLease lease, SessionRunner runner) {
    this.lease = lease;
    this.runner = runner;
  }

  /** Leases the session of {@code handle} on {@code device} and opens a runner on it. */
  static TaskSession open(ModelHandle handle, int device) {
    SessionLease lease = ExecutorSessions.acquire(handle, device);
    try {
      return new TaskSession(lease, lease.session().newRunner());
    } catch (RuntimeException e) {
      lease.close();
      throw e;
    }
  }

  /**
   * Closes this when the current Spark task completes, whether it succeeds or fails (a task that
   * stops reading early, or dies, still lets go); does nothing outside a Spark task.
   */
  void closeWithCurrentTask() {
    TaskContext context = TaskContext.get();
    if (context != null) {
      context.addTaskCompletionListener((TaskCompletionListener) completed -> close());
    }
  }

  boolean builtNow() {
    return lease.builtNow();
  }

  SessionRunner runner() {
    return runner;
  }

  SessionKey key() {
    return lease.key();
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      try {
        runner.close();
      } finally {
        lease.close();
      }
    }
  }
}
