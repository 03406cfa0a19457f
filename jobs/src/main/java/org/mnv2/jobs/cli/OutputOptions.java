package org.mnv2.jobs.cli;

import org.mnv2.jobs.conf.OutputMode;
import picocli.CommandLine.Option;

/** {@code --output} and {@code --mode}: where a run writes, and what to do when it exists. */
final class OutputOptions {
  @Option(names = "--output", required = true, description = "output folder URI")
  String output;

  @Option(
      names = "--mode",
      description = "when --output exists: error (default) or overwrite",
      defaultValue = "error")
  String mode;

  /** The write mode, validated. */
  OutputMode mode() {
    return OutputMode.parse(mode);
  }
}
