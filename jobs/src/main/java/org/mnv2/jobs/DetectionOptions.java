package org.mnv2.jobs;

import org.mnv2.model.UsageException;
import org.mnv2.udf.TaskOptions;
import picocli.CommandLine.Option;

/** {@code --score-threshold} and {@code --max-detections} (detect, eval-coco). */
final class DetectionOptions {
  @Option(
      names = "--score-threshold",
      description = "keep detections scoring at least this (0..1; default: the spec's)")
  Double scoreThreshold;

  @Option(
      names = "--max-detections",
      description = "detections kept per image (default: the spec's, 100 in the shipped specs)")
  Integer maxDetections;

  /** The task options, after the settings precedence (option > --conf > conf file > spec). */
  TaskOptions taskOptions(JobSettings settings) {
    double threshold =
        settings.number(JobSettings.SCORE_THRESHOLD, scoreThreshold, "--score-threshold");
    if (!Double.isNaN(threshold) && !(threshold >= 0 && threshold <= 1)) {
      throw new UsageException(
          "Cannot use --score-threshold / "
              + JobSettings.SCORE_THRESHOLD
              + " '"
              + threshold
              + "' (expected a number in 0..1)");
    }
    boolean maxSet = settings.get(JobSettings.MAX_DETECTIONS, maxDetections, null) != null;
    int max =
        maxSet
            ? settings.positiveInt(JobSettings.MAX_DETECTIONS, maxDetections, 1, "--max-detections")
            : 0;
    return new TaskOptions(JobSettings.TOP_K_DEFAULT, threshold, max);
  }
}
