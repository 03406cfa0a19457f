package org.mnv2.jobs.conf;

import org.mnv2.model.UsageException;

/**
 * A typed view of {@code eval-coco}: the ground truth, and either a results file or a model run.
 *
 * @param annotations COCO instances JSON (any Hadoop URI)
 * @param detections COCO results JSON to evaluate; null when a model runs
 * @param inference the model run over {@code --images}; null with {@code detections}
 * @param output the output folder (the model run's, when there is one)
 */
public record EvalCocoConf(
    String annotations,
    String detections,
    InferenceConf inference,
    String output,
    OutputMode mode) {

  public EvalCocoConf {
    if (annotations == null || annotations.isBlank()) {
      throw new UsageException(
          "Cannot evaluate: --annotations is required (a COCO instances file)");
    }
    requireOneSource(detections != null, inference != null);
    if (inference != null && !inference.output().equals(output)) {
      throw new IllegalStateException(
          "Cannot evaluate: the model run writes to "
              + inference.output()
              + " (expected the evaluation's output "
              + output
              + ")");
    }
  }

  /**
   * Fails unless exactly one source of detections is given: a results file or a model run over
   * images. The command line calls it before Spark starts.
   */
  public static void requireOneSource(boolean detectionsFile, boolean modelRun) {
    if (detectionsFile == modelRun) {
      throw new UsageException(
          "Cannot evaluate: give either --detections FILE or --images URI --model SPEC (expected"
              + " exactly one of --images and --detections)");
    }
  }

  /** Evaluates a results file. */
  public static EvalCocoConf ofDetections(
      String annotations, String detections, String output, OutputMode mode) {
    return new EvalCocoConf(annotations, detections, null, output, mode);
  }

  /**
   * Runs {@code inference} (its input: the images; its output: this evaluation's) and evaluates.
   */
  public static EvalCocoConf ofModel(String annotations, InferenceConf inference) {
    return new EvalCocoConf(annotations, null, inference, inference.output(), inference.mode());
  }
}
