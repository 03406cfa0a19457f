package org.mnv2.udf;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.Row;
import org.apache.spark.util.TaskCompletionListener;
import org.mnv2.model.PipelineException;

/**
 * A task's window of images ahead of the one its thread works on, so that object-store latency and
 * (optionally) decoding overlap with inference instead of stalling the task's core.
 *
 * <p>The task thread stays the only consumer of Spark's input iterator: {@link #next()} pulls rows
 * there and turns each into an item ({@link Work#item}); an item whose bytes must be read goes to a
 * reader thread ({@link Work#read}). At most {@code window} items are taken from the input and not
 * yet handed back, so at most {@code window} reads are in flight per task and at most {@code
 * window} images' bytes are held. Items come back in input order, whatever order the reads finish
 * in. With {@code decodeThreads > 0}, {@code decodeThreads} threads of this task's own run {@link
 * Work#prepare} (decode and preprocess) on the items of the window while the task thread runs the
 * model; with 0 the task thread prepares each item when it takes it (as before read-ahead). Several
 * decoding threads feeding the one session a task holds is what a GPU task needs (a GPU runs a
 * batch faster than one core decodes it); that case cannot be measured on this project's CPU-only
 * machines.
 *
 * <p>A read that throws (the store is unreachable: {@link StorageErrors}) fails the task when the
 * task thread reaches that item, with that exception; per-image problems are the item's to record.
 *
 * <p>Reader threads come from one daemon pool per JVM (idle threads end after {@value
 * #IDLE_SECONDS} s); decoding threads are the task's and end with it. {@link #close()} (at the end
 * of the rows, when the task fails, or when it completes having stopped reading early: see {@link
 * #closeWithCurrentTask()}) cancels the window's reads, interrupting those in flight, and stops the
 * decoding threads.
 *
 * @param <T> the item of one input row
 */
final class ReadAhead<T> implements AutoCloseable {
  static final int IDLE_SECONDS = 30;

  private static final ThreadPoolExecutor READERS =
      new ThreadPoolExecutor(
          0,
          Integer.MAX_VALUE,
          IDLE_SECONDS,
          TimeUnit.SECONDS,
          new SynchronousQueue<>(),
          daemons("mnv2-read"));

  /** What happens to one input row, and on which thread. */
  interface Work<T> {
    /** On the task thread: the item of {@code row}. */
    T item(Row row);

    /** Whether {@code item}'s bytes are still to be read (else they are in the row, or absent). */
    boolean reads(T item);

    /**
     * On a reader thread: reads the item's bytes into it, or records why it cannot.
     *
     * @throws RuntimeException to fail the task when the task thread reaches this item
     */
    void read(T item);

    /** Decodes and preprocesses the item's bytes (skipping an item that already has an error). */
    void prepare(T item);
  }

  private final Iterator<Row> input;
  private final Work<T> work;
  private final int window;
  private final ThreadPoolExecutor decoders;
  private final ArrayDeque<Pending<T>> pending = new ArrayDeque<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private long waitNanos;

  /** One item on its way: its read (null when there was none) and the item once ready. */
  private record Pending<T>(Future<?> read, Future<T> ready) {}

  /**
   * @param window items read ahead of the task thread (at least 1)
   * @param decodeThreads this task's threads that decode and preprocess; 0 for the task thread
   */
  ReadAhead(Iterator<Row> input, Work<T> work, int window, int decodeThreads) {
    if (window < 1 || decodeThreads < 0) {
      throw new IllegalArgumentException(
          "Cannot read ahead "
              + window
              + " images with "
              + decodeThreads
              + " decoding threads (expected read-ahead >= 1 and decode threads >= 0)");
    }
    this.input = input;
    this.work = work;
    this.window = window;
    this.decoders =
        decodeThreads == 0
            ? null
            : new ThreadPoolExecutor(
                decodeThreads,
                decodeThreads,
                IDLE_SECONDS,
                TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(),
                daemons("mnv2-decode"));
    if (decoders != null) {
      // A window abandoned outside a Spark task (nobody calls close) still lets its threads go.
      decoders.allowCoreThreadTimeOut(true);
    }
  }

  /** Closes this when the current Spark task completes; does nothing outside a Spark task. */
  void closeWithCurrentTask() {
    TaskContext context = TaskContext.get();
    if (context != null) {
      context.addTaskCompletionListener((TaskCompletionListener) completed -> close());
    }
  }

  boolean hasNext() {
    return !pending.isEmpty() || (!closed.get() && input.hasNext());
  }

  /**
   * The next item in input order, read and prepared.
   *
   * @throws RuntimeException what the item's read threw
   */
  T next() {
    if (closed.get()) {
      throw new IllegalStateException("Cannot take the next image: the read-ahead is closed");
    }
    fill();
    Pending<T> head = pending.poll();
    if (head == null) {
      throw new NoSuchElementException();
    }
    long t0 = System.nanoTime();
    T item = await(head.ready());
    waitNanos += System.nanoTime() - t0;
    // Refilled only now: while the head was awaited it was one of the window's reads in flight.
    fill();
    if (decoders == null) {
      work.prepare(item);
    }
    return item;
  }

  /** Nanoseconds the task thread has waited for items since the last call. */
  long takeWaitNanos() {
    long w = waitNanos;
    waitNanos = 0;
    return w;
  }

  /** Reads in flight in this JVM, over all tasks. */
  static int readsInFlight() {
    return READERS.getActiveCount();
  }

  private void fill() {
    while (pending.size() < window && input.hasNext()) {
      T item = work.item(input.next());
      Future<?> read = null;
      Future<T> ready;
      if (work.reads(item)) {
        read =
            READERS.submit(
                () -> {
                  work.read(item);
                  return item;
                });
      }
      if (decoders == null) {
        ready = read == null ? CompletableFuture.completedFuture(item) : cast(read);
      } else {
        Future<?> bytes = read;
        ready =
            decoders.submit(
                () -> {
                  if (bytes != null) {
                    await(bytes);
                  }
                  work.prepare(item);
                  return item;
                });
      }
      pending.add(new Pending<>(read, ready));
    }
  }

  @SuppressWarnings("unchecked")
  private static <T> Future<T> cast(Future<?> f) {
    return (Future<T>) f;
  }

  /** {@code f}'s value; what it threw is rethrown as is when unchecked. */
  private static <V> V await(Future<V> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PipelineException("Cannot read images: interrupted (the task was killed)", e);
    } catch (CancellationException e) {
      throw new PipelineException("Cannot read images: the read-ahead was closed", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new PipelineException("Cannot read images: " + cause, cause);
    }
  }

  /** Cancels the reads and preparations still in the window and stops the decoding threads. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      for (Pending<T> p : pending) {
        p.ready().cancel(true);
        if (p.read() != null) {
          p.read().cancel(true);
        }
      }
      pending.clear();
      if (decoders != null) {
        decoders.shutdownNow();
      }
    }
  }

  private static ThreadFactory daemons(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
