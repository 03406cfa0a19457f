package org.mnv2.udf;

import org.mnv2.model.postprocess.ClassificationPostprocessor;
import org.mnv2.model.postprocess.DetectionLimits;
import org.mnv2.model.postprocess.DetectionPostprocessors;
import org.mnv2.model.postprocess.SegmentationPostprocessor;
import org.mnv2.model.spec.ModelSpec;

/** Builds the {@link InferenceTask} of a spec. */
public final class InferenceTasks {
  private InferenceTasks() {}

  /** The task for {@code spec} with the command's options. */
  public static InferenceTask<?> forSpec(ModelSpec spec, TaskOptions options) {
    return switch (spec.task()) {
      case CLASSIFICATION ->
          new InferenceTask<>(
              new ClassificationPostprocessor(spec, options.topK()), new ClassificationRows());
      case SEGMENTATION ->
          new InferenceTask<>(
              new SegmentationPostprocessor(spec), new SegmentationRows(spec.labels()));
      case DETECTION ->
          new InferenceTask<>(
              DetectionPostprocessors.of(
                  spec, new DetectionLimits(options.scoreThreshold(), options.maxDetections())),
              new DetectionRows());
    };
  }
}
