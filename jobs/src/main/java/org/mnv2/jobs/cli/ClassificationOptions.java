package org.mnv2.jobs.cli;

import picocli.CommandLine.Option;

/** {@code --top-k} (classify, label). */
final class ClassificationOptions {
  @Option(names = "--top-k", description = "classes per image (default 5)")
  Integer topK;
}
