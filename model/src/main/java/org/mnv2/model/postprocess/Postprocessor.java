package org.mnv2.model.postprocess;

import java.io.Serializable;
import java.util.List;
import java.util.Map;
import org.mnv2.model.image.ImageGeometry;
import org.mnv2.model.runtime.ModelSignature;
import org.mnv2.model.runtime.Tensor;

/**
 * Turns one batch of raw model outputs into one result per image, in original image coordinates.
 *
 * @param <R> the per-image result (top-k classes, detections, a mask)
 */
public interface Postprocessor<R> extends Serializable {
  /** The model outputs this postprocessor reads (checked against the model at start-up). */
  List<String> requiredOutputs();

  /** Checks output shapes against the model, beyond names; throws a UsageException on mismatch. */
  default void check(ModelSignature signature) {}

  /** One result per image of the batch, in batch order. */
  List<R> decode(Map<String, Tensor> outputs, List<ImageGeometry> geometries);
}
