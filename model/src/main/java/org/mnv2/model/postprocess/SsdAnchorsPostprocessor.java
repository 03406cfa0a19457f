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
 * {@code ssd-anchors}: an SSD head whose anchors come with the model, as TFLite exports, vendor
 * zoos and OpenVINO conversions ship them: {@code boxes} [N, A, 4] encoded boxes, {@code scores}
 * [N, A, classes] and the anchors either as a model output {@code anchors} ([N, A, 4] or [A, 4]) or
 * as a file {@code anchors_file} (read by the spec loader), normalised to the network input in the
 * {@code anchor_format} order. Boxes are decoded with the named {@link AnchorBoxCoding}, scores
 * turned into probabilities by {@code score_activation}, candidates taken by class ({@code
 * every-class} or {@code best-class}) when strictly above {@code score_threshold}, boxes clipped to
 * the network input, NMS per class or class-agnostic, the best {@code max_detections} kept and
 * mapped to original pixels. docs/MODEL-SPEC.md has the exact arithmetic.
 */
final class SsdAnchorsPostprocessor implements Postprocessor<List<Detection>> {
  static final String TYPE = "ssd-anchors";

  /** Order of an anchor's 4 numbers, all normalised to the network input. */
  enum AnchorFormat {
    XYXY,
    YXYX,
    CXCYWH,
    CYCXHW
  }

  /** How the scores output becomes probabilities. */
  enum Activation {
    NONE,
    SOFTMAX,
    SIGMOID
  }

  private final String boxesName;
  private final String scoresName;
  private final String anchorsName;
  private final String anchorsFile;
  private final float[] fileAnchors;
  private final AnchorFormat anchorFormat;
  private final AnchorBoxCoding coding;
  private final Activation activation;
  private final boolean background;
  private final boolean everyClass;
  private final boolean perClassNms;
  private final boolean clip;
  private final double scoreThreshold;
  private final double nmsIou;
  private final int maxDetections;
  private final int networkWidth;
  private final int networkHeight;
  private final Labels labels;

  SsdAnchorsPostprocessor(ModelSpec spec, DetectionLimits limits) {
    OutputSpec out = spec.output();
    this.boxesName = out.string("boxes", "boxes");
    this.scoresName = out.string("scores", "scores");
    boolean hasOutput = out.fields().containsKey("anchors");
    boolean hasFile = out.fields().containsKey("anchors_file");
    if (hasOutput == hasFile) {
      throw new UsageException(
          "Cannot read model spec: output type '"
              + TYPE
              + "' needs exactly one of output.anchors (the name of the anchors output) and"
              + " output.anchors_file (got "
              + (hasOutput ? "both" : "neither")
              + ")");
    }
    this.anchorsName = hasOutput ? out.string("anchors") : null;
    this.anchorsFile = hasFile ? out.string("anchors_file") : null;
    this.anchorFormat =
        choice(
            out, "anchor_format", "xyxy", AnchorFormat.class, "xyxy", "yxyx", "cxcywh", "cycxhw");
    this.fileAnchors = hasFile ? fileAnchors(out) : null;
    this.coding = AnchorBoxCoding.of(out);
    this.activation =
        choice(out, "score_activation", "none", Activation.class, "none", "softmax", "sigmoid");
    this.background = oneOf(out, "background", "first", "first", "none").equals("first");
    this.everyClass =
        oneOf(out, "candidates", "every-class", "every-class", "best-class").equals("every-class");
    this.perClassNms =
        oneOf(out, "nms", "per-class", "per-class", "class-agnostic").equals("per-class");
    this.clip = out.flag("clip", true);
    this.scoreThreshold = limits.threshold(out.number("score_threshold", 0.001));
    this.nmsIou = out.number("nms_iou", 0.6);
    this.maxDetections = limits.max(OutputChecks.positiveInt(out, "max_detections", 100));
    this.networkWidth = spec.input().width();
    this.networkHeight = spec.input().height();
    this.labels = spec.labels();
  }

  /** The anchors the spec loader read from {@code anchors_file}, as normalised corners. */
  private float[] fileAnchors(OutputSpec out) {
    List<List<Double>> rows = out.numberLists(OutputSpec.ANCHORS_FILE_ROWS);
    if (rows.isEmpty()) {
      throw new UsageException(
          "Cannot read model spec: output.anchors_file " + anchorsFile + " holds no anchors");
    }
    float[] raw = new float[rows.size() * 4];
    for (int a = 0; a < rows.size(); a++) {
      List<Double> row = rows.get(a);
      if (row.size() != 4) {
        throw new UsageException(
            "Cannot read model spec: output.anchors_file "
                + anchorsFile
                + " row "
                + (a + 1)
                + " has "
                + row.size()
                + " numbers (expected 4, "
                + anchorFormat.name().toLowerCase(Locale.ROOT)
                + ")");
      }
      for (int k = 0; k < 4; k++) {
        raw[a * 4 + k] = row.get(k).floatValue();
      }
    }
    return corners(raw, 0, rows.size(), anchorFormat);
  }

  private static <E extends Enum<E>> E choice(
      OutputSpec out, String key, String fallback, Class<E> type, String... names) {
    String value = oneOf(out, key, fallback, names);
    return Enum.valueOf(type, value.replace('-', '_').toUpperCase(Locale.ROOT));
  }

  static String oneOf(OutputSpec out, String key, String fallback, String... names) {
    String value = out.string(key, fallback).toLowerCase(Locale.ROOT);
    if (!Arrays.asList(names).contains(value)) {
      throw new UsageException(
          "Cannot read model spec: unknown output."
              + key
              + " '"
              + value
              + "' (expected one of "
              + Arrays.toString(names)
              + ")");
    }
    return value;
  }

  @Override
  public List<String> requiredOutputs() {
    return anchorsName == null
        ? List.of(boxesName, scoresName)
        : List.of(boxesName, scoresName, anchorsName);
  }

  @Override
  public void check(ModelSignature signature) {
    long[] b = signature.outputs().get(boxesName).shape();
    long[] s = signature.outputs().get(scoresName).shape();
    if (b.length != 3 || (b[2] > 0 && b[2] != 4)) {
      throw OutputChecks.shape(boxesName, "[N, anchors, 4] encoded boxes", b);
    }
    if (s.length != 3) {
      throw OutputChecks.shape(scoresName, "[N, anchors, classes]", s);
    }
    long anchors = b[1];
    if (anchors > 0 && s[1] > 0 && s[1] != anchors) {
      throw new UsageException(
          "Cannot use model: output '"
              + scoresName
              + "' has "
              + s[1]
              + " anchors but '"
              + boxesName
              + "' has "
              + anchors);
    }
    if (anchorsName != null) {
      long[] a = signature.outputs().get(anchorsName).shape();
      boolean ok =
          (a.length == 3 || a.length == 2) && (a[a.length - 1] <= 0 || a[a.length - 1] == 4);
      if (!ok) {
        throw OutputChecks.shape(anchorsName, "[N, anchors, 4] or [anchors, 4]", a);
      }
      long count = a[a.length - 2];
      if (count > 0 && anchors > 0 && count != anchors) {
        throw new UsageException(
            "Cannot use model: output '"
                + anchorsName
                + "' has "
                + count
                + " anchors but '"
                + boxesName
                + "' has "
                + anchors);
      }
    } else if (anchors > 0 && anchors != fileAnchors.length / 4) {
      throw new UsageException(
          "Cannot use model: output '"
              + boxesName
              + "' has "
              + anchors
              + " anchors but output.anchors_file "
              + anchorsFile
              + " holds "
              + fileAnchors.length / 4);
    }
    int offset = background ? 1 : 0;
    if (s[2] > 0 && labels.size() > 0 && s[2] != labels.size() + offset) {
      throw new UsageException(
          "Cannot use model: output '"
              + scoresName
              + "' has "
              + s[2]
              + " classes"
              + (background ? " including background" : "")
              + " but the spec lists "
              + labels.size()
              + " labels (expected labels"
              + (background ? " + 1, or set output.background: none" : "")
              + ")");
    }
  }

  @Override
  public List<List<Detection>> decode(Map<String, Tensor> outputs, List<ImageGeometry> geometries) {
    Tensor boxes = outputs.get(boxesName);
    Tensor scores = outputs.get(scoresName);
    int count = boxes.dim(1);
    if (boxes.rank() != 3 || scores.rank() != 3 || scores.dim(1) != count) {
      throw new IllegalStateException(
          "Cannot decode SSD outputs: expected the same anchors in " + boxes + " and " + scores);
    }
    Tensor anchors = anchorsName == null ? null : outputs.get(anchorsName);
    List<List<Detection>> out = new ArrayList<>(geometries.size());
    for (int i = 0; i < geometries.size(); i++) {
      float[] corners = fileAnchors;
      if (anchors != null) {
        int perImage = anchors.rank() == 3 ? i : 0;
        if (anchors.dim(anchors.rank() - 2) != count) {
          throw new IllegalStateException(
              "Cannot decode SSD outputs: " + anchors + " does not match " + boxes);
        }
        corners = corners(anchors.data(), perImage * count * 4, count, anchorFormat);
      } else if (fileAnchors.length != count * 4) {
        throw new IllegalStateException(
            "Cannot decode SSD outputs: " + boxes + " does not match " + anchorsFile);
      }
      out.add(
          decodeImage(
              boxes.data(), scores.data(), i, count, scores.dim(2), corners, geometries.get(i)));
    }
    return out;
  }

  private List<Detection> decodeImage(
      float[] codes,
      float[] scores,
      int image,
      int count,
      int columns,
      float[] corners,
      ImageGeometry geometry) {
    int first = background ? 1 : 0;
    Candidates candidates = new Candidates();
    float[] box = new float[4];
    float[] probabilities = new float[columns];
    for (int a = 0; a < count; a++) {
      int codeOffset = (image * count + a) * 4;
      probabilities(scores, (image * count + a) * columns, columns, probabilities);
      if (everyClass) {
        boolean decoded = false;
        for (int c = first; c < columns; c++) {
          if (probabilities[c] > scoreThreshold) {
            if (!decoded) {
              decodeBox(codes, codeOffset, corners, a, box);
              decoded = true;
            }
            add(candidates, box, probabilities[c], c - first);
          }
        }
      } else {
        int best = first;
        for (int c = first + 1; c < columns; c++) {
          if (probabilities[c] > probabilities[best]) {
            best = c; // the first maximum on ties
          }
        }
        if (best < columns && probabilities[best] > scoreThreshold) {
          decodeBox(codes, codeOffset, corners, a, box);
          add(candidates, box, probabilities[best], best - first);
        }
      }
    }
    int[] keep =
        perClassNms
            ? Nms.perClass(candidates, nmsIou, maxDetections)
            : Nms.classAgnostic(candidates, nmsIou, maxDetections);
    return candidates.toDetections(keep, labels, geometry, clip);
  }

  private void decodeBox(float[] codes, int offset, float[] corners, int a, float[] box) {
    coding.decode(codes, offset, corners, a, box);
    box[0] *= networkWidth;
    box[1] *= networkHeight;
    box[2] *= networkWidth;
    box[3] *= networkHeight;
  }

  private void add(Candidates candidates, float[] box, float score, int classIndex) {
    if (clip) {
      candidates.add(
          clamp(box[0], networkWidth),
          clamp(box[1], networkHeight),
          clamp(box[2], networkWidth),
          clamp(box[3], networkHeight),
          score,
          classIndex);
    } else {
      candidates.add(box[0], box[1], box[2], box[3], score, classIndex);
    }
  }

  private void probabilities(float[] scores, int offset, int columns, float[] out) {
    switch (activation) {
      case NONE -> System.arraycopy(scores, offset, out, 0, columns);
      case SIGMOID -> {
        for (int c = 0; c < columns; c++) {
          out[c] = (float) (1 / (1 + Math.exp(-scores[offset + c])));
        }
      }
      case SOFTMAX -> {
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < columns; c++) {
          max = Math.max(max, scores[offset + c]);
        }
        double sum = 0;
        for (int c = 0; c < columns; c++) {
          sum += Math.exp(scores[offset + c] - max);
        }
        for (int c = 0; c < columns; c++) {
          out[c] = (float) (Math.exp(scores[offset + c] - max) / sum);
        }
      }
    }
  }

  /** {@code count} anchors at {@code offset} of {@code raw} in {@code format}, as corners. */
  static float[] corners(float[] raw, int offset, int count, AnchorFormat format) {
    float[] out = new float[count * 4];
    for (int a = 0; a < count; a++) {
      int o = offset + a * 4;
      float p = raw[o];
      float q = raw[o + 1];
      float r = raw[o + 2];
      float s = raw[o + 3];
      int d = a * 4;
      switch (format) {
        case XYXY -> set(out, d, p, q, r, s);
        case YXYX -> set(out, d, q, p, s, r);
        case CXCYWH -> set(out, d, p - r / 2, q - s / 2, p + r / 2, q + s / 2);
        case CYCXHW -> set(out, d, q - s / 2, p - r / 2, q + s / 2, p + r / 2);
      }
    }
    return out;
  }

  private static void set(float[] out, int d, float x1, float y1, float x2, float y2) {
    out[d] = x1;
    out[d + 1] = y1;
    out[d + 2] = x2;
    out[d + 3] = y2;
  }

  private static float clamp(float v, int max) {
    return v < 0 ? 0 : Math.min(v, max);
  }
}
