package org.mnv2.jobs.conf;

import java.util.List;
import org.mnv2.model.UsageException;

/**
 * A typed view of {@code eval-voc}: which tree and split, and either a model to run ({@code model},
 * whose output and mode are the evaluation's) or a folder of prediction PNGs.
 *
 * @param split the split name, or null for {@code val} (every mask when the tree has no
 *     ImageSets/Segmentation)
 * @param model the model run, or null with {@code predictions}
 * @param predictions a folder of {@code <id>.png} palette masks, or null with {@code model}
 * @param labels class names by index for {@code --predictions} (empty: the 21 VOC classes); a model
 *     run uses its spec's labels
 */
public record EvalVocConf(
    String vocRoot,
    String split,
    String output,
    OutputMode mode,
    InferenceConf model,
    String predictions,
    List<String> labels,
    int imagesPerPartition) {

  public EvalVocConf {
    requireOneSource(vocRoot, model != null, predictions != null);
    if (imagesPerPartition < 1) {
      throw new UsageException(
          "Cannot use --images-per-partition "
              + imagesPerPartition
              + " (expected a positive integer)");
    }
    labels = List.copyOf(labels);
  }

  /**
   * Fails unless exactly one source of masks is given: a model or a folder of predictions. The
   * command line calls it before Spark starts.
   */
  public static void requireOneSource(String vocRoot, boolean model, boolean predictions) {
    if (model == predictions) {
      throw new UsageException(
          "Cannot evaluate "
              + vocRoot
              + ": give --model or --predictions (expected exactly one, got "
              + (model ? "both" : "neither")
              + ")");
    }
  }

  /** Runs {@code model} (its output and mode are the evaluation's) on the split's images. */
  public static EvalVocConf withModel(String vocRoot, String split, InferenceConf model) {
    return new EvalVocConf(
        vocRoot,
        split,
        model.output(),
        model.mode(),
        model,
        null,
        List.of(),
        model.imagesPerPartition());
  }

  /** Evaluates the PNGs in {@code predictions} with the 21 VOC classes. */
  public static EvalVocConf withPredictions(
      String vocRoot, String split, String predictions, String output) {
    return new EvalVocConf(
        vocRoot,
        split,
        output,
        OutputMode.ERROR,
        null,
        predictions,
        List.of(),
        JobSettings.IMAGES_PER_PARTITION_DEFAULT);
  }

  public EvalVocConf withMode(OutputMode newMode) {
    return new EvalVocConf(
        vocRoot,
        split,
        output,
        newMode,
        model == null ? null : model.withMode(newMode),
        predictions,
        labels,
        imagesPerPartition);
  }

  public EvalVocConf withLabels(List<String> names) {
    return new EvalVocConf(
        vocRoot, split, output, mode, model, predictions, names, imagesPerPartition);
  }
}
