package org.mnv2.model.postprocess;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.mnv2.model.UsageException;
import org.mnv2.model.image.ImageGeometry;
import org.mnv2.model.runtime.ModelSignature;
import org.mnv2.model.runtime.Tensor;
import org.mnv2.model.spec.Labels;
import org.mnv2.model.spec.ModelSpec;
import org.mnv2.model.spec.OutputSpec;

/**
 * {@code ssd-raw}: a raw SSD head, {@code boxes} [N, A, 4] regression and {@code scores} [N, A, 1 +
 * classes] logits (index 0 = background), postprocessed like torchvision's {@code
 * SSD.postprocess_detections}: softmax over the classes; boxes decoded against the anchors ({@link
 * DefaultBoxes}, {@link BoxCoder}) and clipped to the network input; per class, scores strictly
 * above the threshold, the best {@code topk_candidates}; per-class NMS; the best {@code
 * max_detections}; boxes mapped to original pixels.
 */
final class SsdRawPostprocessor implements Postprocessor<List<Detection>> {
  private final String boxesName;
  private final String scoresName;
  private final float[] anchors;
  private final int anchorCount;
  private final BoxCoder coder;
  private final double scoreThreshold;
  private final int topkCandidates;
  private final double nmsIou;
  private final int maxDetections;
  private final int networkWidth;
  private final int networkHeight;
  private final Labels labels;

  SsdRawPostprocessor(ModelSpec spec, DetectionLimits limits) {
    OutputSpec out = spec.output();
    this.boxesName = out.string("boxes", "boxes");
    this.scoresName = out.string("scores", "scores");
    this.networkWidth = spec.input().width();
    this.networkHeight = spec.input().height();
    DefaultBoxes boxes = defaultBoxes(out, networkWidth, networkHeight);
    this.anchors = boxes.corners();
    this.anchorCount = boxes.count();
    List<Double> w = out.numbers("weights");
    if (!w.isEmpty() && w.size() != 4) {
      throw new UsageException(
          "Cannot read model spec: output.weights needs 4 numbers wx, wy, ww, wh (got " + w + ")");
    }
    this.coder =
        w.isEmpty()
            ? new BoxCoder(10f, 10f, 5f, 5f, (float) BoxCoder.DEFAULT_CLIP)
            : new BoxCoder(
                w.get(0).floatValue(),
                w.get(1).floatValue(),
                w.get(2).floatValue(),
                w.get(3).floatValue(),
                (float) out.number("bbox_xform_clip", BoxCoder.DEFAULT_CLIP));
    // Absent settings take torchvision's SSD defaults, except max_detections (docs/OUTPUTS.md:
    // 100).
    this.scoreThreshold = limits.threshold(out.number("score_threshold", 0.01));
    this.topkCandidates = OutputChecks.positiveInt(out, "topk_candidates", 400);
    this.nmsIou = out.number("nms_iou", 0.45);
    this.maxDetections = limits.max(OutputChecks.positiveInt(out, "max_detections", 100));
    this.labels = spec.labels();
  }

  static DefaultBoxes defaultBoxes(OutputSpec out, int width, int height) {
    List<int[]> maps = new ArrayList<>();
    for (List<Double> fm : out.numberLists("feature_maps")) {
      maps.add(fm.stream().mapToInt(Double::intValue).toArray());
    }
    if (maps.isEmpty()) {
      throw new UsageException(
          "Cannot read model spec: output type 'ssd-raw' needs output.feature_maps ([height, width]"
              + " of every head, in output order)");
    }
    List<double[]> ratios = new ArrayList<>();
    for (List<Double> r : out.numberLists("aspect_ratios")) {
      ratios.add(r.stream().mapToDouble(Double::doubleValue).toArray());
    }
    List<Double> scaleList = out.numbers("scales");
    double[] scales =
        scaleList.isEmpty()
            ? DefaultBoxes.defaultScales(
                maps.size(), out.number("min_ratio", 0.15), out.number("max_ratio", 0.9))
            : scaleList.stream().mapToDouble(Double::doubleValue).toArray();
    List<Double> stepList = out.numbers("steps");
    double[] steps =
        stepList.isEmpty() ? null : stepList.stream().mapToDouble(Double::doubleValue).toArray();
    return new DefaultBoxes(maps, ratios, scales, steps, out.flag("clip", true), width, height);
  }

  @Override
  public List<String> requiredOutputs() {
    return List.of(boxesName, scoresName);
  }

  @Override
  public void check(ModelSignature signature) {
    long[] b = signature.outputs().get(boxesName).shape();
    long[] s = signature.outputs().get(scoresName).shape();
    if (b.length != 3 || (b[2] > 0 && b[2] != 4)) {
      throw OutputChecks.shape(boxesName, "[N, anchors, 4]", b);
    }
    if (s.length != 3) {
      throw OutputChecks.shape(scoresName, "[N, anchors, 1 + classes]", s);
    }
    if (b[1] > 0 && b[1] != anchorCount) {
      throw new UsageException(
          "Cannot use model: output '"
              + boxesName
              + "' has "
              + b[1]
              + " anchors but the spec's anchor settings make "
              + anchorCount
              + " (check output.feature_maps, aspect_ratios, scales)");
    }
    if (s[2] > 0 && labels.size() > 0 && s[2] != labels.size() + 1) {
      throw new UsageException(
          "Cannot use model: output '"
              + scoresName
              + "' has "
              + s[2]
              + " classes including background but the spec lists "
              + labels.size()
              + " labels (expected labels + 1)");
    }
  }

  @Override
  public List<List<Detection>> decode(Map<String, Tensor> outputs, List<ImageGeometry> geometries) {
    Tensor boxes = outputs.get(boxesName);
    Tensor scores = outputs.get(scoresName);
    int n = geometries.size();
    if (boxes.rank() != 3 || boxes.dim(1) != anchorCount || scores.dim(1) != anchorCount) {
      throw new IllegalStateException(
          "Cannot decode SSD outputs: expected "
              + anchorCount
              + " anchors, got "
              + boxes
              + " and "
              + scores);
    }
    int classes = scores.dim(2);
    List<List<Detection>> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(decodeImage(boxes.data(), scores.data(), i, classes, geometries.get(i)));
    }
    return out;
  }

  private List<Detection> decodeImage(
      float[] regression, float[] logits, int image, int classes, ImageGeometry geometry) {
    int base = image * anchorCount;
    float[][] probabilities = new float[classes][anchorCount];
    double[] row = new double[classes];
    for (int a = 0; a < anchorCount; a++) {
      int o = (base + a) * classes;
      double max = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < classes; c++) {
        max = Math.max(max, logits[o + c]);
      }
      double sum = 0;
      for (int c = 0; c < classes; c++) {
        row[c] = Math.exp(logits[o + c] - max);
        sum += row[c];
      }
      for (int c = 0; c < classes; c++) {
        probabilities[c][a] = (float) (row[c] / sum);
      }
    }
    Candidates candidates = new Candidates();
    float[] box = new float[4];
    for (int c = 1; c < classes; c++) {
      for (int a : topK(probabilities[c])) {
        coder.decode(regression, (base + a) * 4, anchors, a, box);
        // torchvision clips to the network input before NMS.
        candidates.add(
            clamp(box[0], networkWidth),
            clamp(box[1], networkHeight),
            clamp(box[2], networkWidth),
            clamp(box[3], networkHeight),
            probabilities[c][a],
            c - 1);
      }
    }
    int[] keep = Nms.perClass(candidates, nmsIou, maxDetections);
    return candidates.toDetections(keep, labels, geometry, false);
  }

  /** Anchors with score strictly above the threshold, the best topkCandidates, best first. */
  private int[] topK(float[] scores) {
    List<Integer> above = new ArrayList<>();
    for (int a = 0; a < scores.length; a++) {
      if (scores[a] > scoreThreshold) {
        above.add(a);
      }
    }
    above.sort((x, y) -> Float.compare(scores[y], scores[x]));
    return above.stream().limit(topkCandidates).mapToInt(Integer::intValue).toArray();
  }

  private static float clamp(float v, int max) {
    return v < 0 ? 0 : Math.min(v, max);
  }
}
