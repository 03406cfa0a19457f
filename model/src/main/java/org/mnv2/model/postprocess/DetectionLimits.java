package org.mnv2.model.postprocess;

import java.io.Serializable;
import org.mnv2.model.UsageException;

/**
 * A command's overrides of a detection spec's postprocessing ({@code --score-threshold}, {@code
 * --max-detections}): NaN and 0 mean "the spec's own value".
 */
public record DetectionLimits(double scoreThreshold, int maxDetections) implements Serializable {

  public DetectionLimits {
    if (!Double.isNaN(scoreThreshold) && !(scoreThreshold >= 0 && scoreThreshold <= 1)) {
      throw new UsageException(
          "Cannot use --score-threshold " + scoreThreshold + " (expected a number in 0..1)");
    }
    if (maxDetections < 0) {
      throw new UsageException(
          "Cannot use --max-detections " + maxDetections + " (expected a positive integer)");
    }
  }

  /** The spec's values. */
  public static DetectionLimits none() {
    return new DetectionLimits(Double.NaN, 0);
  }

  double threshold(double specValue) {
    return Double.isNaN(scoreThreshold) ? specValue : scoreThreshold;
  }

  int max(int specValue) {
    return maxDetections == 0 ? specValue : maxDetections;
  }
}
