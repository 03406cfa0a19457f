package org.mnv2.jobs.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A loopback TCP link in front of a local HTTP server, for tests: forwards bytes both ways, records
 * every HTTP request line it passes ("GET /bucket/key?... HTTP/1.1"), runs a one-shot action when a
 * request line matches (before that request is forwarded, so a fault lands exactly mid-read), and
 * goes down (refuses connections, drops open ones) and up again on the same port. It can also hold
 * matching requests back for a while before forwarding them, like a slow network, and counts how
 * many of those it held at once: the requests a client had in flight together.
 */
public final class FaultyLink implements AutoCloseable {
  private static final Pattern REQUEST_LINE =
      Pattern.compile("(GET|PUT|POST|HEAD|DELETE) (/\\S*) HTTP/1\\.[01]\r\n");
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  private final int port;
  private final int targetPort;
  private final ExecutorService threads =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "faulty-link");
            t.setDaemon(true);
            return t;
          });
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final AtomicReference<Trigger> trigger = new AtomicReference<>();
  private final AtomicReference<Delay> delay = new AtomicReference<>();
  private final AtomicInteger held = new AtomicInteger();
  private final AtomicInteger mostHeld = new AtomicInteger();
  private ServerSocket listener;

  private record Trigger(Predicate<String> when, Runnable action) {}

  private record Delay(Predicate<String> which, long millis) {}

  private FaultyLink(int port, int targetPort) {
    this.port = port;
    this.targetPort = targetPort;
  }

  /** A link on a free loopback port to {@code targetPort}, up. */
  public static FaultyLink to(int targetPort) {
    FaultyLink link = new FaultyLink(freePort(), targetPort);
    link.up();
    return link;
  }

  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free loopback port", e);
    }
  }

  public int port() {
    return port;
  }

  /** The request lines seen so far, as "METHOD /path?query". */
  public List<String> requests() {
    return List.copyOf(requests);
  }

  /** Runs {@code action} once, on the first request line matching {@code when}. */
  public void onRequest(Predicate<String> when, Runnable action) {
    trigger.set(new Trigger(when, action));
  }

  /**
   * Holds every request line matching {@code which} back {@code millis} before forwarding it (0:
   * none), and starts counting anew how many are held at once.
   */
  public void delay(Predicate<String> which, long millis) {
    mostHeld.set(0);
    delay.set(millis == 0 ? null : new Delay(which, millis));
  }

  /** The most delayed requests held at the same time since {@link #delay} was called. */
  public int mostHeldAtOnce() {
    return mostHeld.get();
  }

  public synchronized void up() {
    if (listener != null) {
      return;
    }
    try {
      ServerSocket s = new ServerSocket();
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(LOOPBACK, port));
      listener = s;
      threads.execute(() -> accept(s));
    } catch (IOException e) {
      throw new IllegalStateException("cannot listen on 127.0.0.1:" + port, e);
    }
  }

  /** Refuses new connections and drops the open ones, like a server that went away. */
  public synchronized void down() {
    closeQuietly(listener);
    listener = null;
    open.forEach(FaultyLink::closeQuietly);
    open.clear();
  }

  @Override
  public void close() {
    down();
    threads.shutdownNow();
  }

  private void accept(ServerSocket s) {
    while (!s.isClosed()) {
      Socket client;
      try {
        client = s.accept();
      } catch (IOException e) {
        return; // closed by down()
      }
      open.add(client);
      threads.execute(() -> connect(client));
    }
  }

  private void connect(Socket client) {
    Socket server;
    try {
      server = new Socket(LOOPBACK, targetPort);
    } catch (IOException e) {
      closeQuietly(client); // the server behind is down: the client sees the connection drop
      return;
    }
    open.add(server);
    threads.execute(() -> pump(server, client, false));
    pump(client, server, true);
  }

  private void pump(Socket from, Socket to, boolean requestsFlow) {
    byte[] buffer = new byte[64 * 1024];
    String carry = "";
    try (InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream()) {
      int n;
      while ((n = in.read(buffer)) > 0) {
        if (requestsFlow) {
          carry = sniff(carry + new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
          if (from.isClosed()) {
            return; // an action took the link down: this request never reaches the server
          }
        }
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // either side went away; close both below
    } finally {
      closeQuietly(from);
      closeQuietly(to);
      open.remove(from);
      open.remove(to);
    }
  }

  /** Records the request lines in {@code text}; returns the tail to carry into the next chunk. */
  private String sniff(String text) {
    Matcher m = REQUEST_LINE.matcher(text);
    int end = 0;
    while (m.find()) {
      String line = m.group(1) + " " + m.group(2);
      requests.add(line);
      Trigger t = trigger.get();
      if (t != null && t.when().test(line) && trigger.compareAndSet(t, null)) {
        t.action().run();
      }
      Delay d = delay.get();
      if (d != null && d.which().test(line)) {
        hold(d.millis());
      }
      end = m.end();
    }
    return text.substring(Math.max(end, text.length() - 512));
  }

  private void hold(long millis) {
    mostHeld.accumulateAndGet(held.incrementAndGet(), Math::max);
    try {
      Thread.sleep(millis); // this connection's pump thread: other connections flow meanwhile
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      held.decrementAndGet();
    }
  }

  private static void closeQuietly(java.io.Closeable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (IOException e) {
      // closing anyway
    }
  }
}
