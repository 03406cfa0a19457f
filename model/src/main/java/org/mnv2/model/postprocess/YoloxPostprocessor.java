package org.mnv2.model.postprocess;

import java.util.ArrayList;
import java.util.Arrays;
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
 * {@code yolox}: one raw YOLOX head [N, anchors, 5 + classes] over grids on {@code strides} (one
 * anchor per cell; strides in output order, cells row by row): cx = (p0 + gx) * stride, cy = (p1 +
 * gy) * stride, w = exp(p2) * stride, h = exp(p3) * stride; p4 is the objectness and p5.. the class
 * scores, both already passed through the sigmoid inside exported YOLOX graphs. Score = objectness
 * x class score, kept when &ge; {@code score_threshold} (YOLOX's {@code postprocess} compares with
 * &ge;). With {@code candidates: every-class} (default; the ONNX demo's class-aware NMS) every
 * class above the threshold is a candidate; with {@code best-class} (YOLOX's training-time
 * evaluator) each anchor offers only its best class. On coco128-part1 the reference run of
 * PROVENANCE.md (AR100 0.4905) is matched by every-class (0.4907), not best-class (0.4774). Then
 * boxes are mapped to original pixels (undoing the letterbox) and clipped to the image (before NMS;
 * clipping after it changes AP by 2e-6 there), class-aware NMS at {@code nms_iou}, the best {@code
 * max_detections}.
 */
final class YoloxPostprocessor implements Postprocessor<List<Detection>> {
  private final String outputName;
  private final int[] strides;
  private final int[] gridX;
  private final int[] gridY;
  private final int[] gridStride;
  private final double scoreThreshold;
  private final double nmsIou;
  private final int maxDetections;
  private final boolean everyClass;
  private final Labels labels;

  YoloxPostprocessor(ModelSpec spec, DetectionLimits limits) {
    OutputSpec out = spec.output();
    this.outputName = out.string("name", "output");
    List<Double> s = out.numbers("strides");
    this.strides =
        s.isEmpty() ? new int[] {8, 16, 32} : s.stream().mapToInt(Double::intValue).toArray();
    int width = spec.input().width();
    int height = spec.input().height();
    int cells = 0;
    for (int stride : strides) {
      if (stride <= 0 || width % stride != 0 || height % stride != 0) {
        throw new UsageException(
            "Cannot read model spec: output.strides must divide the input size (expected divisors"
                + " of "
                + width
                + "x"
                + height
                + ", got "
                + stride
                + ")");
      }
      cells += (width / stride) * (height / stride);
    }
    this.gridX = new int[cells];
    this.gridY = new int[cells];
    this.gridStride = new int[cells];
    int i = 0;
    for (int stride : strides) {
      for (int y = 0; y < height / stride; y++) {
        for (int x = 0; x < width / stride; x++) {
          gridX[i] = x;
          gridY[i] = y;
          gridStride[i] = stride;
          i++;
        }
      }
    }
    this.scoreThreshold = limits.threshold(out.number("score_threshold", 0.001));
    this.nmsIou = out.number("nms_iou", 0.65);
    this.maxDetections = limits.max((int) out.number("max_detections", 100));
    String candidates = out.string("candidates", "every-class").toLowerCase(Locale.ROOT);
    if (!candidates.equals("best-class") && !candidates.equals("every-class")) {
      throw new UsageException(
          "Cannot read model spec: unknown output.candidates '"
              + candidates
              + "' (expected one of [best-class, every-class])");
    }
    this.everyClass = candidates.equals("every-class");
    this.labels = spec.labels();
  }

  @Override
  public List<String> requiredOutputs() {
    return List.of(outputName);
  }

  @Override
  public void check(ModelSignature signature) {
    long[] shape = signature.outputs().get(outputName).shape();
    if (shape.length != 3) {
      throw new UsageException(
          "Cannot use model: output '"
              + outputName
              + "' has shape "
              + Arrays.toString(shape)
              + " (expected [N, anchors, 5 + classes])");
    }
    if (shape[1] > 0 && shape[1] != gridX.length) {
      throw new UsageException(
          "Cannot use model: output '"
              + outputName
              + "' has "
              + shape[1]
              + " anchors but strides "
              + Arrays.toString(strides)
              + " on the spec's input size make "
              + gridX.length);
    }
    if (shape[2] > 0 && labels.size() > 0 && shape[2] != labels.size() + 5) {
      throw new UsageException(
          "Cannot use model: output '"
              + outputName
              + "' has "
              + (shape[2] - 5)
              + " classes but the spec lists "
              + labels.size()
              + " labels");
    }
  }

  @Override
  public List<List<Detection>> decode(Map<String, Tensor> outputs, List<ImageGeometry> geometries) {
    Tensor t = outputs.get(outputName);
    if (t.rank() != 3 || t.dim(1) != gridX.length) {
      throw new IllegalStateException(
          "Cannot decode YOLOX output: expected " + gridX.length + " anchors, got " + t);
    }
    int width = t.dim(2);
    List<List<Detection>> out = new ArrayList<>(geometries.size());
    for (int i = 0; i < geometries.size(); i++) {
      out.add(decodeImage(t.data(), i * gridX.length * width, width, geometries.get(i)));
    }
    return out;
  }

  private List<Detection> decodeImage(float[] data, int base, int width, ImageGeometry g) {
    int classes = width - 5;
    Candidates candidates = new Candidates();
    for (int a = 0; a < gridX.length; a++) {
      int o = base + a * width;
      float objectness = data[o + 4];
      if (objectness < scoreThreshold) {
        continue; // every score is objectness x class score <= objectness
      }
      float stride = gridStride[a];
      float cx = (data[o] + gridX[a]) * stride;
      float cy = (data[o + 1] + gridY[a]) * stride;
      float w = (float) Math.exp(data[o + 2]) * stride;
      float h = (float) Math.exp(data[o + 3]) * stride;
      float x1 = cx - w / 2;
      float y1 = cy - h / 2;
      float x2 = cx + w / 2;
      float y2 = cy + h / 2;
      if (everyClass) {
        for (int c = 0; c < classes; c++) {
          float score = objectness * data[o + 5 + c];
          if (score >= scoreThreshold) {
            add(candidates, g, x1, y1, x2, y2, score, c);
          }
        }
      } else {
        int best = 0;
        for (int c = 1; c < classes; c++) {
          if (data[o + 5 + c] > data[o + 5 + best]) {
            best = c;
          }
        }
        float score = objectness * data[o + 5 + best];
        if (score >= scoreThreshold) {
          add(candidates, g, x1, y1, x2, y2, score, best);
        }
      }
    }
    int[] keep = Nms.perClass(candidates, nmsIou, maxDetections);
    return candidates.toDetections(keep, labels, identity(g), false);
  }

  /** Adds a candidate in original pixels, clipped to the image. */
  private static void add(
      Candidates c, ImageGeometry g, float x1, float y1, float x2, float y2, float score, int cls) {
    double w = g.originalWidth();
    double h = g.originalHeight();
    c.add(
        (float) clamp(g.toOriginalX(x1), w),
        (float) clamp(g.toOriginalY(y1), h),
        (float) clamp(g.toOriginalX(x2), w),
        (float) clamp(g.toOriginalY(y2), h),
        score,
        cls);
  }

  private static ImageGeometry identity(ImageGeometry g) {
    return new ImageGeometry(g.originalWidth(), g.originalHeight(), 1, 1, 0, 0);
  }

  private static double clamp(double v, double max) {
    return v < 0 ? 0 : Math.min(v, max);
  }
}
