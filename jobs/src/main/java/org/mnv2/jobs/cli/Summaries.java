package org.mnv2.jobs.cli;

import org.mnv2.jobs.run.RunSummary;

/** Short human-readable run summaries for the terminal. */
final class Summaries {
  private Summaries() {}

  static String oneLine(RunSummary s) {
    return String.format(
        "%s: %d images (%d ok, %d errors) with %s in %.1f s (%.1f images/s) -> %s",
        s.command(),
        s.images(),
        s.ok(),
        s.errors(),
        s.model(),
        s.wallSeconds(),
        s.imagesPerSecond(),
        s.output());
  }

  /** The line naming the report.html a run wrote, when reports are on. */
  static java.util.List<String> reportLine(RunSummary s, boolean written) {
    return written
        ? java.util.List.of("report: " + s.output() + "/report.html")
        : java.util.List.of();
  }
}
