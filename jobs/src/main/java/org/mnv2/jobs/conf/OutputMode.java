package org.mnv2.jobs.conf;

import org.mnv2.model.UsageException;

/** {@code --mode}: what to do when the output already exists. */
public enum OutputMode {
  ERROR,
  OVERWRITE;

  public static OutputMode parse(String value) {
    return switch (value == null ? "" : value.trim().toLowerCase()) {
      case "error" -> ERROR;
      case "overwrite" -> OVERWRITE;
      default ->
          throw new UsageException(
              "Cannot use --mode '" + value + "' (expected error or overwrite)");
    };
  }
}
