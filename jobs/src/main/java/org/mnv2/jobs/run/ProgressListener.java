package org.mnv2.jobs.run;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorMetricsUpdate;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.util.LongAccumulator;
import scala.Tuple4;
import scala.collection.JavaConverters;
import scala.collection.Seq;

/**
 * Counts on the driver what the executors report for one stage of a run. With accumulators (images
 * done, errors): the finished tasks' values from their task-end events plus each running task's
 * latest value from the executor heartbeats ({@code SparkListenerExecutorMetricsUpdate} carries
 * running tasks' accumulator values), so that the count moves at least once per heartbeat, not only
 * once per partition. Without accumulators: tasks finished out of tasks submitted since the stage
 * began. Events arrive on Spark's listener thread; the reporter reads from its own.
 */
final class ProgressListener extends SparkListener {
  private final long doneId;
  private final long errorsId;
  private final AtomicLong finishedDone = new AtomicLong();
  private final AtomicLong finishedErrors = new AtomicLong();
  private final Map<Long, long[]> running = new ConcurrentHashMap<>();
  private final AtomicLong tasksSubmitted = new AtomicLong();
  private final AtomicLong tasksFinished = new AtomicLong();

  /** Counts {@code done} and {@code errors}; both null to count tasks. */
  ProgressListener(LongAccumulator done, LongAccumulator errors) {
    this.doneId = done == null ? -1 : done.id();
    this.errorsId = errors == null ? -1 : errors.id();
  }

  boolean countsTasks() {
    return doneId < 0;
  }

  /** Images (or tasks) done so far. */
  long done() {
    if (countsTasks()) {
      return tasksFinished.get();
    }
    long sum = finishedDone.get();
    for (long[] v : running.values()) {
      sum += v[0];
    }
    return sum;
  }

  long errors() {
    long sum = finishedErrors.get();
    for (long[] v : running.values()) {
      sum += v[1];
    }
    return sum;
  }

  /** Tasks submitted since the stage began (the total when counting tasks). */
  long tasksSubmitted() {
    return tasksSubmitted.get();
  }

  @Override
  public void onStageSubmitted(SparkListenerStageSubmitted event) {
    tasksSubmitted.addAndGet(event.stageInfo().numTasks());
  }

  @Override
  public void onExecutorMetricsUpdate(SparkListenerExecutorMetricsUpdate event) {
    if (countsTasks()) {
      return;
    }
    for (Tuple4<Object, Object, Object, Seq<AccumulableInfo>> task :
        JavaConverters.seqAsJavaList(event.accumUpdates())) {
      long[] values = valuesOf(task._4());
      if (values != null) {
        running.put((Long) task._1(), values);
      }
    }
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd event) {
    long[] last = running.remove(event.taskInfo().taskId());
    tasksFinished.incrementAndGet();
    if (countsTasks() || !event.taskInfo().successful()) {
      return;
    }
    long[] values = valuesOf(event.taskInfo().accumulables());
    if (values == null) {
      values = last;
    }
    if (values != null) {
      finishedDone.addAndGet(values[0]);
      finishedErrors.addAndGet(values[1]);
    }
  }

  /** (done, errors) among a task's accumulator values, or null when it has neither. */
  private long[] valuesOf(Seq<AccumulableInfo> infos) {
    long[] values = null;
    for (AccumulableInfo info : JavaConverters.seqAsJavaList(infos)) {
      if (info.id() != doneId && info.id() != errorsId) {
        continue;
      }
      Object update = info.update().isDefined() ? info.update().get() : null;
      if (update instanceof Number n) {
        values = values == null ? new long[2] : values;
        values[info.id() == doneId ? 0 : 1] = n.longValue();
      }
    }
    return values;
  }
}
