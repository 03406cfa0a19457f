package org.mnv2.jobs.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.mnv2.jobs.PipelineCli;

/**
 * Resident memory of this JVM, from Linux's /proc/self: the current and the peak set size, and a
 * reset of the peak so one run's peak can be read alone. As a main, runs one pipeline command (the
 * arguments of {@code scripts/pipeline}; none: nothing, an idle JVM) and prints {@code peak-rss-kb
 * N exit R}, the line the benchmark reads from its child JVMs.
 */
public final class Resident {
  private static final Path STATUS = Path.of("/proc/self/status");

  private Resident() {}

  public static void main(String[] args) {
    int rc = args.length == 0 ? 0 : PipelineCli.execute(args);
    System.out.println("peak-rss-kb " + peakKb() + " exit " + rc);
    System.exit(rc);
  }

  /** VmHWM: the peak resident set since start or the last {@link #resetPeak()}; -1 if unknown. */
  static long peakKb() {
    return field("VmHWM:");
  }

  /** VmRSS: the resident set now; -1 if unknown. */
  static long currentKb() {
    return field("VmRSS:");
  }

  /** Resets VmHWM to the current resident set (Linux: "5" to /proc/self/clear_refs). */
  static boolean resetPeak() {
    try {
      Files.writeString(Path.of("/proc/self/clear_refs"), "5", StandardOpenOption.WRITE);
      return true;
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  private static long field(String name) {
    try {
      for (String line : Files.readAllLines(STATUS)) {
        if (line.startsWith(name)) {
          return Long.parseLong(line.substring(name.length()).replace("kB", "").trim());
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }
}
