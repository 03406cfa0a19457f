package org.mnv2.jobs.conf;

import org.mnv2.model.UsageException;

/**
 * {@code --progress}: how a run shows its progress on stderr. {@code AUTO} rewrites one live line
 * on a terminal and prints a plain line every interval (10 s) anywhere else (logs, CI,
 * spark-submit); {@code ALWAYS} prints the plain lines even on a terminal (for captured terminals);
 * {@code NEVER} prints nothing. Every mode but NEVER ends a stage with a final line.
 */
public enum ProgressMode {
  AUTO,
  ALWAYS,
  NEVER;

  public static ProgressMode parse(String value) {
    return switch (value == null ? "" : value.trim().toLowerCase()) {
      case "auto" -> AUTO;
      case "always" -> ALWAYS;
      case "never" -> NEVER;
      default ->
          throw new UsageException(
              "Cannot use --progress '" + value + "' (expected auto, always or never)");
    };
  }
}
