package org.mnv2.model.postprocess;

import java.util.Arrays;
import org.mnv2.model.UsageException;
import org.mnv2.model.spec.OutputSpec;

/** The spec and model-output checks the detection layouts share, with their messages. */
final class OutputChecks {
  private OutputChecks() {}

  /** {@code output.<key>} as a positive integer, {@code fallback} when absent. */
  static int positiveInt(OutputSpec out, String key, int fallback) {
    double v = out.number(key, fallback);
    if (v < 1 || v != Math.rint(v)) {
      throw new UsageException(
          "Cannot read model spec: output." + key + " must be a positive integer (got " + v + ")");
    }
    return (int) v;
  }

  /** A model output whose shape is not the layout's. */
  static UsageException shape(String name, String expected, long[] got) {
    return new UsageException(
        "Cannot use model: output '"
            + name
            + "' has shape "
            + Arrays.toString(got)
            + " (expected "
            + expected
            + ")");
  }
}
