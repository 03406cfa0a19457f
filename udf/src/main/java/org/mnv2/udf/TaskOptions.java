package org.mnv2.udf;

import java.io.Serializable;

/**
 * Per-command postprocessing options (top-k for classification; score threshold and maximum
 * detections for detection). NaN / 0 mean "the spec's own value".
 */
public record TaskOptions(int topK, double scoreThreshold, int maxDetections)
    implements Serializable {
  public static TaskOptions defaults() {
    return new TaskOptions(5, Double.NaN, 0);
  }
}
