package org.mnv2.udf;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.mnv2.model.runtime.OnnxSession;
import org.mnv2.model.runtime.SessionOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The executor JVM's ONNX Runtime sessions: one per model (by SHA-256) and device, built lazily
 * from the broadcast bytes by the first task that needs it and shared by every later task, never
 * per task or per partition. Sessions live until the JVM exits.
 */
public final class ExecutorSessions {
  private static final Logger LOG = LoggerFactory.getLogger(ExecutorSessions.class);
  private static final Map<String, OnnxSession> SESSIONS = new ConcurrentHashMap<>();
  private static final AtomicInteger BUILT = new AtomicInteger();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(() -> SESSIONS.values().forEach(OnnxSession::close), "close-onnx-sessions"));
  }

  private ExecutorSessions() {}

  /** A session and whether this call built it. */
  public record Lease(OnnxSession session, boolean builtNow) {}

  /** The session of {@code handle} on {@code gpuDevice} (-1 = CPU), built once per JVM. */
  public static Lease get(ModelHandle handle, int gpuDevice) {
    String key = handle.sha256() + "@" + (gpuDevice < 0 ? "cpu" : "gpu" + gpuDevice);
    OnnxSession existing = SESSIONS.get(key);
    if (existing != null) {
      return new Lease(existing, false);
    }
    boolean[] built = new boolean[1];
    OnnxSession session =
        SESSIONS.computeIfAbsent(
            key,
            k -> {
              long start = System.nanoTime();
              SessionOptions options = handle.options().onDevice(gpuDevice);
              OnnxSession s = OnnxSession.open(handle.spec(), handle.bytes().value(), options);
              int n = BUILT.incrementAndGet();
              built[0] = true;
              LOG.info(
                  "Built session #{} in this JVM for model {} ({}) in {} ms",
                  n,
                  handle.spec().name(),
                  k,
                  (System.nanoTime() - start) / 1_000_000);
              return s;
            });
    return new Lease(session, built[0]);
  }

  /**
   * Closes and forgets every session of this JVM (frees native memory between unrelated jobs in a
   * long-lived driver; the next task rebuilds what it needs).
   */
  public static void closeAll() {
    SESSIONS.values().forEach(OnnxSession::close);
    SESSIONS.clear();
  }

  /** Sessions built in this JVM so far. */
  public static int builtCount() {
    return BUILT.get();
  }
}
