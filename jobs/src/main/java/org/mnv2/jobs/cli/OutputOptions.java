package org.mnv2.jobs.cli;

import picocli.CommandLine.Option;

/** {@code --output}: where a run writes. */
final class OutputOptions {
  @Option(names = "--output", required = true, description = "output folder URI")
  String output;
}
