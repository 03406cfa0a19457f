package org.mnv2.udf;

import java.util.Locale;
import org.mnv2.model.UsageException;

/** {@code --device}: where executors run the model. */
public enum DeviceMode {
  /** A GPU when the task was given one, else the CPU (logged). */
  AUTO,
  CPU,
  /** A GPU, or fail fast when the task has none. */
  GPU;

  /** Parses {@code auto|cpu|gpu}. */
  public static DeviceMode parse(String value) {
    try {
      return valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new UsageException(
          "Cannot use --device '" + value + "' (expected one of auto, cpu, gpu)");
    }
  }
}
