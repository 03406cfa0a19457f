package org.mnv2.model.postprocess;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mnv2.model.UsageException;
import org.mnv2.model.image.ImageGeometry;
import org.mnv2.model.runtime.ModelSignature;
import org.mnv2.model.runtime.Tensor;
import org.mnv2.model.spec.Labels;
import org.mnv2.model.spec.ModelSpec;
import org.mnv2.model.spec.OutputSpec;

/**
 * {@code tf-od}: post-NMS outputs in the TensorFlow Object Detection API layout: {@code
 * detection_boxes} [N, K, 4] as normalised [ymin, xmin, ymax, xmax] relative to the network input,
 * {@code detection_classes} [N, K], {@code detection_scores} [N, K] and {@code num_detections} [N]
 * (the first num_detections of K are valid). Boxes go to network pixels, then to original pixels
 * through the image geometry (undoing stretch or letterbox), clipped to the image. Classes are
 * 1-based: with {@code class_ids: label-index} (default) class c is label c - 1 of the spec; with
 * {@code class_ids: category-id} (the TF OD API's COCO models) c is a COCO category id, looked up
 * in the spec's {@code labels.category_ids}. Detections with score &ge; {@code score_threshold}
 * (default 0: keep what the graph kept) are kept, at most {@code max_detections}, by descending
 * score.
 */
final class TfOdPostprocessor implements Postprocessor<List<Detection>> {
  private final String boxesName;
  private final String classesName;
  private final String scoresName;
  private final String countName;
  private final boolean categoryIds;
  private final Map<Integer, Integer> indexByCategoryId = new HashMap<>();
  private final double scoreThreshold;
  private final int maxDetections;
  private final int networkWidth;
  private final int networkHeight;
  private final Labels labels;

  TfOdPostprocessor(ModelSpec spec, DetectionLimits limits) {
    OutputSpec out = spec.output();
    this.boxesName = out.string("boxes", "detection_boxes");
    this.classesName = out.string("classes", "detection_classes");
    this.scoresName = out.string("scores", "detection_scores");
    this.countName = out.string("count", "num_detections");
    String classIds = out.string("class_ids", "label-index").toLowerCase(Locale.ROOT);
    if (!classIds.equals("label-index") && !classIds.equals("category-id")) {
      throw new UsageException(
          "Cannot read model spec: unknown output.class_ids '"
              + classIds
              + "' (expected one of [label-index, category-id])");
    }
    this.categoryIds = classIds.equals("category-id");
    this.labels = spec.labels();
    int[] ids = labels.categoryIds();
    for (int i = 0; i < ids.length; i++) {
      indexByCategoryId.put(ids[i], i);
    }
    this.scoreThreshold = limits.threshold(out.number("score_threshold", 0));
    this.maxDetections = limits.max((int) out.number("max_detections", 100));
    this.networkWidth = spec.input().width();
    this.networkHeight = spec.input().height();
  }

  @Override
  public List<String> requiredOutputs() {
    return List.of(boxesName, classesName, scoresName, countName);
  }

  @Override
  public void check(ModelSignature signature) {
    long[] b = signature.outputs().get(boxesName).shape();
    if (b.length != 3 || (b[2] > 0 && b[2] != 4)) {
      throw new UsageException(
          "Cannot use model: output '"
              + boxesName
              + "' has shape "
              + Arrays.toString(b)
              + " (expected [N, detections, 4] normalised ymin, xmin, ymax, xmax)");
    }
  }

  @Override
  public List<List<Detection>> decode(Map<String, Tensor> outputs, List<ImageGeometry> geometries) {
    Tensor boxes = outputs.get(boxesName);
    Tensor classes = outputs.get(classesName);
    Tensor scores = outputs.get(scoresName);
    Tensor count = outputs.get(countName);
    int k = boxes.dim(1);
    List<List<Detection>> out = new ArrayList<>(geometries.size());
    for (int i = 0; i < geometries.size(); i++) {
      int valid = Math.min(k, (int) count.data()[i]);
      Candidates candidates = new Candidates();
      for (int d = 0; d < valid; d++) {
        float score = scores.data()[i * k + d];
        if (score < scoreThreshold) {
          continue;
        }
        int o = (i * k + d) * 4;
        float[] box = boxes.data();
        candidates.add(
            box[o + 1] * networkWidth,
            box[o] * networkHeight,
            box[o + 3] * networkWidth,
            box[o + 2] * networkHeight,
            score,
            classIndex(Math.round(classes.data()[i * k + d])));
      }
      Integer[] order = candidates.byDescendingScore();
      int[] keep = new int[Math.min(maxDetections, order.length)];
      for (int j = 0; j < keep.length; j++) {
        keep[j] = order[j];
      }
      out.add(candidates.toDetections(keep, labels, geometries.get(i), true));
    }
    return out;
  }

  /** The spec's class index of a 1-based TF OD class. */
  private int classIndex(int tfClass) {
    if (!categoryIds) {
      return tfClass - 1;
    }
    Integer index = indexByCategoryId.get(tfClass);
    if (index == null) {
      throw new IllegalStateException(
          "Cannot decode TF OD output: class "
              + tfClass
              + " is not in the spec's labels.category_ids (expected one of "
              + indexByCategoryId.keySet()
              + ")");
    }
    return index;
  }
}
