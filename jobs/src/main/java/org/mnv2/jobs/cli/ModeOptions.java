package org.mnv2.jobs.cli;

import org.mnv2.jobs.conf.OutputMode;
import picocli.CommandLine.Option;

/** {@code --mode}: what a run does when its output already holds one. */
final class ModeOptions {
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
