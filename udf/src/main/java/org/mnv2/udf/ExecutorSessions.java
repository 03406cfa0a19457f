package org.mnv2.udf;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.mnv2.model.runtime.OnnxSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The executor JVM's ONNX Runtime sessions: one per {@link SessionKey} (model SHA-256, threads,
 * device), built lazily from the broadcast bytes by the first task that needs it and shared by
 * every later task, never per task or per partition.
 *
 * <p>A task holds a session through a {@link SessionLease} from {@link #acquire}, released when the
 * task ends ({@link PartitionRunner} does both). A held session is never closed: {@link
 * #closeIdle()} closes only sessions no lease holds; unreleased sessions live until the JVM exits.
 */
public final class ExecutorSessions {
  private static final Logger LOG = LoggerFactory.getLogger(ExecutorSessions.class);
  private static final Map<SessionKey, Entry> SESSIONS = new ConcurrentHashMap<>();
  private static final AtomicInteger BUILT = new AtomicInteger();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(() -> SESSIONS.values().forEach(Entry::closeAtExit), "close-onnx-sessions"));
  }

  private ExecutorSessions() {}

  /** One cached session and the number of leases that hold it; guarded by its own monitor. */
  private static final class Entry {
    final SessionKey key;
    OnnxSession session;
    int holders;
    boolean evicted;

    Entry(SessionKey key) {
      this.key = key;
    }

    synchronized void closeAtExit() {
      if (session != null) {
        session.close();
      }
    }
  }

  /**
   * A task's hold on a session: the session stays open until every lease on it is closed. Close it
   * when the task ends; closing twice is safe.
   */
  public static final class SessionLease implements AutoCloseable {
    private final Entry entry;
    private final OnnxSession session;
    private final boolean builtNow;
    private final AtomicBoolean released = new AtomicBoolean();

    private SessionLease(Entry entry, boolean builtNow) {
      this.entry = entry;
      this.session = entry.session;
      this.builtNow = builtNow;
    }

    public OnnxSession session() {
      if (released.get()) {
        throw new IllegalStateException(
            "Cannot use the session of " + entry.key + ": its lease was released");
      }
      return session;
    }

    public SessionKey key() {
      return entry.key;
    }

    /** Whether acquiring this lease built the session (counted in the run's summary). */
    public boolean builtNow() {
      return builtNow;
    }

    /** Releases the hold; the session stays cached for later tasks. */
    @Override
    public void close() {
      if (released.compareAndSet(false, true)) {
        synchronized (entry) {
          entry.holders--;
        }
      }
    }
  }

  /**
   * Holds the session of {@code handle} on {@code gpuDevice} (-1 = CPU), building it when this JVM
   * has none for that key yet.
   */
  public static SessionLease acquire(ModelHandle handle, int gpuDevice) {
    SessionKey key = SessionKey.of(handle, gpuDevice);
    while (true) {
      Entry entry = SESSIONS.computeIfAbsent(key, Entry::new);
      synchronized (entry) {
        if (entry.evicted) {
          continue; // closed by closeIdle() between the lookup and the lock: take a fresh entry
        }
        boolean built = false;
        if (entry.session == null) {
          entry.session = build(key, handle);
          built = true;
        }
        entry.holders++;
        return new SessionLease(entry, built);
      }
    }
  }

  private static OnnxSession build(SessionKey key, ModelHandle handle) {
    long start = System.nanoTime();
    OnnxSession session = OnnxSession.open(handle.spec(), handle.bytes().value(), key.options());
    int n = BUILT.incrementAndGet();
    LOG.info(
        "Built session #{} in this JVM for model {} ({}) in {} ms",
        n,
        handle.spec().name(),
        key,
        (System.nanoTime() - start) / 1_000_000);
    return session;
  }

  /**
   * Closes and forgets every session that no lease holds (frees native memory between unrelated
   * jobs in a long-lived driver or test JVM; a later task rebuilds what it needs). Sessions that
   * running tasks hold stay open and cached. Safe to call at any time, from any thread.
   *
   * @return the number of sessions closed
   */
  public static int closeIdle() {
    int closed = 0;
    for (Entry entry : SESSIONS.values()) {
      synchronized (entry) {
        if (entry.holders > 0 || entry.evicted) {
          continue;
        }
        entry.evicted = true;
        SESSIONS.remove(entry.key, entry);
        if (entry.session != null) {
          entry.session.close();
          closed++;
        }
      }
    }
    if (closed > 0) {
      LOG.info("Closed {} idle session(s); {} held session(s) stay open", closed, SESSIONS.size());
    }
    return closed;
  }

  /** Sessions built in this JVM so far. */
  public static int builtCount() {
    return BUILT.get();
  }

  /** The keys of the sessions cached now. */
  static Set<SessionKey> keys() {
    return Set.copyOf(SESSIONS.keySet());
  }

  /** Leases that hold the session of {@code key} now (0 when none or not cached). */
  static int holders(SessionKey key) {
    Entry entry = SESSIONS.get(key);
    if (entry == null) {
      return 0;
    }
    synchronized (entry) {
      return entry.holders;
    }
  }
}
