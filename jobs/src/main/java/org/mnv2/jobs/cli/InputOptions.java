package org.mnv2.jobs.cli;

import picocli.CommandLine.Option;

/** {@code --input} of classify, detect and segment. */
final class InputOptions {
  @Option(names = "--input", required = true, description = "images: directory, glob or file URI")
  String input;
}
