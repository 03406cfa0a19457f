package org.mnv2.jobs.cli;

import org.mnv2.jobs.conf.JobSettings;
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

  /** The task options, after the settings precedence (the spec's values when unset). */
  TaskOptions taskOptions(JobSettings settings) {
    return new TaskOptions(
        JobSettings.TOP_K_DEFAULT,
        settings.scoreThreshold(scoreThreshold),
        settings.maxDetections(maxDetections));
  }
}
