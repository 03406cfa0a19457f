package org.mnv2.model.postprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnv2.model.UsageException;
import org.mnv2.model.image.ImageGeometry;
import org.mnv2.model.runtime.ModelSignature;
import org.mnv2.model.runtime.Tensor;
import org.mnv2.model.spec.LocalResources;
import org.mnv2.model.spec.ModelSpec;
import org.mnv2.model.spec.ModelSpecLoader;

/**
 * {@code ssd-anchors} on tiny hand-made outputs; every expected number is worked out by hand in the
 * comments from the raw tensors (the vendor's corner-offset formula of PROVENANCE.md, the TF OD
 * centre-size formula), not by running the decoder.
 */
class SsdAnchorsDecodingTest {
  static final String INPUT_100 = "  name: input\n  width: 100\n  height: 100\n";

  static final String CORNER_OFFSETS =
      "  type: ssd-anchors\n  scores: s\n  boxes: b\n  anchors: a\n"
          + "  box_coding: corner-offsets\n  score_threshold: 0.001\n  nms_iou: 0.6\n";

  static Tensor tensor(String name, long[] shape, float... data) {
    return new Tensor(name, shape, data);
  }

  /**
   * Four anchors, normalised (xmin, ymin, xmax, ymax), with their corner offsets (e0..e3) and
   * probabilities (background, a, b):
   *
   * <pre>
   * a0 (0.1, 0.2, 0.5, 0.6), aw = ah = 0.4, e = (0.25, -0.5, 0.5, 0.25), p = (0.2, 0.7, 0.1):
   *    xmin = 0.1 + 0.25 * 0.4 = 0.2, ymin = 0.2 - 0.5 * 0.4 = 0, xmax = 0.5 + 0.5 * 0.4 = 0.7,
   *    ymax = 0.6 + 0.25 * 0.4 = 0.7 -> network (20, 0)-(70, 70)
   * a1 (0.5, 0.5, 0.9, 0.7), aw = 0.4, ah = 0.2, e = (-0.5, 0.5, 0.5, 1), p = (0.1, 0.3, 0.6):
   *    xmin = 0.5 - 0.2 = 0.3, ymin = 0.5 + 0.1 = 0.6, xmax = 0.9 + 0.2 = 1.1 (clipped to 1),
   *    ymax = 0.7 + 0.2 = 0.9 -> network (30, 60)-(100, 90)
   * a2 (0, 0, 0.2, 0.2), e = 0, p = (0.999, 0.0005, 0.0005): no class above 0.001
   * a3 = a0's anchor, e = (0.25, -0.5, 0.5, 0.5): ymax = 0.6 + 0.5 * 0.4 = 0.8 -> (20, 0)-(70, 80),
   *    p = (0.5, 0.45, 0.05); IoU with a0's box = 3500 / 4000 = 0.875 > 0.6, so both its classes
   *    are suppressed by a0's (0.7 and 0.1).
   * IoU(a0, a1) = (40 * 10) / (3500 + 2100 - 400) = 0.077: no suppression across them.
   * </pre>
   *
   * The original image is 200 x 100, stretched to the 100 x 100 input: x doubles.
   */
  static Map<String, Tensor> vendorOutputs() {
    return Map.of(
        "a",
        tensor(
            "a",
            new long[] {1, 4, 4},
            0.1f,
            0.2f,
            0.5f,
            0.6f,
            0.5f,
            0.5f,
            0.9f,
            0.7f,
            0f,
            0f,
            0.2f,
            0.2f,
            0.1f,
            0.2f,
            0.5f,
            0.6f),
        "b",
        tensor(
            "b",
            new long[] {1, 4, 4},
            0.25f,
            -0.5f,
            0.5f,
            0.25f,
            -0.5f,
            0.5f,
            0.5f,
            1f,
            0f,
            0f,
            0f,
            0f,
            0.25f,
            -0.5f,
            0.5f,
            0.5f),
        "s",
        tensor(
            "s",
            new long[] {1, 4, 3},
            0.2f,
            0.7f,
            0.1f,
            0.1f,
            0.3f,
            0.6f,
            0.999f,
            0.0005f,
            0.0005f,
            0.5f,
            0.45f,
            0.05f));
  }

  static final ImageGeometry STRETCH_200_100 = new ImageGeometry(200, 100, 0.5, 1, 0, 0);

  @Test
  void cornerOffsetsAgainstModelAnchorsEveryClassPerClassNms() {
    ModelSpec spec = DetectionDecodingTest.spec(INPUT_100, CORNER_OFFSETS);

    List<Detection> d =
        DetectionPostprocessors.of(spec, DetectionLimits.none())
            .decode(vendorOutputs(), List.of(STRETCH_200_100))
            .get(0);

    // By descending probability: a0/a 0.7, a1/b 0.6, a1/a 0.3, a0/b 0.1 (a3 suppressed, a2 below).
    assertThat(d).extracting(Detection::score).containsExactly(0.7f, 0.6f, 0.3f, 0.1f);
    assertThat(d).extracting(Detection::categoryId).containsExactly(3, 7, 3, 7);
    assertThat(d).extracting(Detection::label).containsExactly("a", "b", "a", "b");
    // a0: (20, 0)-(70, 70) -> original (40, 0)-(140, 70) = [40, 0, 100, 70]
    assertThat(d.get(0).bbox()).containsExactly(new float[] {40, 0, 100, 70}, within(1e-4f));
    // a1: (30, 60)-(100, 90) -> original (60, 60)-(200, 90) = [60, 60, 140, 30]
    assertThat(d.get(1).bbox()).containsExactly(new float[] {60, 60, 140, 30}, within(1e-4f));
    assertThat(d.get(2).bbox()).containsExactly(new float[] {60, 60, 140, 30}, within(1e-4f));
    assertThat(d.get(3).bbox()).containsExactly(new float[] {40, 0, 100, 70}, within(1e-4f));
  }

  @Test
  void commandLimitsAndClassAgnosticNms() {
    ModelSpec perClass = DetectionDecodingTest.spec(INPUT_100, CORNER_OFFSETS);
    ModelSpec agnostic =
        DetectionDecodingTest.spec(INPUT_100, CORNER_OFFSETS + "  nms: class-agnostic\n");

    // --score-threshold 0.5 leaves a0/a 0.7 and a1/b 0.6; --max-detections 1 the first.
    assertThat(
            DetectionPostprocessors.of(perClass, new DetectionLimits(0.5, 0))
                .decode(vendorOutputs(), List.of(STRETCH_200_100))
                .get(0))
        .extracting(Detection::score)
        .containsExactly(0.7f, 0.6f);
    assertThat(
            DetectionPostprocessors.of(perClass, new DetectionLimits(Double.NaN, 1))
                .decode(vendorOutputs(), List.of(STRETCH_200_100))
                .get(0))
        .extracting(Detection::score)
        .containsExactly(0.7f);
    // Class-agnostic: a1/a 0.3 is suppressed by a1/b 0.6 (the same box, IoU 1 > 0.6) and a0/b
    // 0.1 by a0/a 0.7; a1 and a0 overlap by 0.077 only.
    assertThat(
            DetectionPostprocessors.of(agnostic, DetectionLimits.none())
                .decode(vendorOutputs(), List.of(STRETCH_200_100))
                .get(0))
        .extracting(Detection::score)
        .containsExactly(0.7f, 0.6f);
  }

  /**
   * TF OD style: anchors in a file as (ycenter, xcenter, height, width), codes (ty, tx, th, tw)
   * with variances 0.1, 0.1, 0.2, 0.2 (scale factors 10, 10, 5, 5), sigmoid logits, no background
   * column.
   *
   * <pre>
   * anchor (0.5, 0.5, 0.4, 0.2) = corners x 0.4..0.6, y 0.3..0.7 (both anchors)
   * a0 codes (1, -2, 0, 5 ln 2): cy = 0.5 + 1 * 0.1 * 0.4 = 0.54, cx = 0.5 - 2 * 0.1 * 0.2 = 0.46,
   *    h = 0.4 * exp(0) = 0.4, w = 0.2 * exp(5 ln 2 * 0.2) = 0.4 -> x 0.26..0.66, y 0.34..0.74
   *    -> (26, 34)-(66, 74) = [26, 34, 40, 40]; logits (2, -1): sigmoid 0.880797, 0.268941
   * a1 codes 0: the anchor, (40, 30)-(60, 70); logits (-3, 0.5): sigmoid 0.047426, 0.622459
   * IoU(a0, a1) = (20 * 36) / (1600 + 800 - 720) = 0.4286
   * </pre>
   */
  @Test
  void centreSizeFromAnAnchorsFileSigmoidBestClass(@TempDir Path dir) throws IOException {
    Files.writeString(
        dir.resolve("anchors.txt"),
        "# ycenter, xcenter, height, width\n0.5, 0.5, 0.4, 0.2\n\n0.5 0.5 0.4 0.2\n");
    String output =
        "  type: ssd-anchors\n  scores: s\n  boxes: b\n  anchors_file: anchors.txt\n"
            + "  anchor_format: cycxhw\n  box_coding: center-size-yx\n  score_activation: sigmoid\n"
            + "  background: none\n  candidates: best-class\n  score_threshold: 0.1\n  nms_iou: 0.4\n";
    float ln2 = (float) Math.log(2);
    Map<String, Tensor> outputs =
        Map.of(
            "b", tensor("b", new long[] {1, 2, 4}, 1f, -2f, 0f, 5 * ln2, 0f, 0f, 0f, 0f),
            "s", tensor("s", new long[] {1, 2, 2}, 2f, -1f, -3f, 0.5f));
    ImageGeometry same = new ImageGeometry(100, 100, 1, 1, 0, 0);

    List<Detection> perClass =
        DetectionPostprocessors.of(
                specAt(dir, output + "  nms: per-class\n"), DetectionLimits.none())
            .decode(outputs, List.of(same))
            .get(0);
    List<Detection> agnostic =
        DetectionPostprocessors.of(
                specAt(dir, output + "  nms: class-agnostic\n"), DetectionLimits.none())
            .decode(outputs, List.of(same))
            .get(0);

    // best-class: a0 offers only a (0.8808, not b 0.2689), a1 only b (0.6225).
    assertThat(perClass).extracting(Detection::categoryId).containsExactly(3, 7);
    assertThat(perClass.get(0).score()).isCloseTo(0.880797f, within(1e-6f));
    assertThat(perClass.get(0).bbox()).containsExactly(new float[] {26, 34, 40, 40}, within(1e-3f));
    assertThat(perClass.get(1).score()).isCloseTo(0.622459f, within(1e-6f));
    assertThat(perClass.get(1).bbox()).containsExactly(new float[] {40, 30, 20, 40}, within(1e-3f));
    // class-agnostic: IoU 0.4286 > 0.4 suppresses a1's b.
    assertThat(agnostic).hasSize(1);
    assertThat(agnostic.get(0).label()).isEqualTo("a");
  }

  @Test
  void softmaxLogitsAndCentreSizeXy() {
    // One anchor (0.2, 0.2)-(0.6, 0.6) as (cx, cy, w, h) = (0.4, 0.4, 0.4, 0.4); codes (tx, ty, tw,
    // th) = (2.5, 0, 0, 5 ln 1.5): cx = 0.4 + 2.5 * 0.1 * 0.4 = 0.5, h = 0.4 * 1.5 = 0.6
    // -> x 0.3..0.7, y 0.1..0.7 = [30, 10, 40, 60]. Logits (ln 2, ln 5, ln 3): softmax 0.2, 0.5,
    // 0.3.
    String output =
        "  type: ssd-anchors\n  scores: s\n  boxes: b\n  anchors: a\n  anchor_format: cxcywh\n"
            + "  box_coding: center-size\n  score_activation: softmax\n";
    Map<String, Tensor> outputs =
        Map.of(
            "a",
            tensor("a", new long[] {1, 4}, 0.4f, 0.4f, 0.4f, 0.4f),
            "b",
            tensor("b", new long[] {1, 1, 4}, 2.5f, 0f, 0f, (float) (5 * Math.log(1.5))),
            "s",
            tensor(
                "s",
                new long[] {1, 1, 3},
                (float) Math.log(2),
                (float) Math.log(5),
                (float) Math.log(3)));

    List<Detection> d =
        DetectionPostprocessors.of(
                DetectionDecodingTest.spec(INPUT_100, output), DetectionLimits.none())
            .decode(outputs, List.of(new ImageGeometry(100, 100, 1, 1, 0, 0)))
            .get(0);

    assertThat(d).hasSize(2);
    assertThat(d.get(0).score()).isCloseTo(0.5f, within(1e-6f));
    assertThat(d.get(1).score()).isCloseTo(0.3f, within(1e-6f));
    assertThat(d.get(0).bbox()).containsExactly(new float[] {30, 10, 40, 60}, within(1e-3f));
  }

  @Test
  void checksTheNamedOutputsShapesAtStartUp() {
    Postprocessor<List<Detection>> post =
        DetectionPostprocessors.of(
            DetectionDecodingTest.spec(INPUT_100, CORNER_OFFSETS), DetectionLimits.none());

    assertThat(post.requiredOutputs()).containsExactly("b", "s", "a");
    post.check(
        signature(new long[] {-1, 6820, 4}, new long[] {-1, 6820, 3}, new long[] {-1, 6820, 4}));
    assertThatThrownBy(
            () ->
                post.check(
                    signature(
                        new long[] {-1, 6820, 4},
                        new long[] {-1, 6820, 3},
                        new long[] {-1, 3234, 4})))
        .isInstanceOf(UsageException.class)
        .hasMessage("Cannot use model: output 'a' has 3234 anchors but 'b' has 6820");
    assertThatThrownBy(
            () ->
                post.check(
                    signature(
                        new long[] {-1, 6820, 4},
                        new long[] {-1, 6820, 81},
                        new long[] {-1, 6820, 4})))
        .isInstanceOf(UsageException.class)
        .hasMessage(
            "Cannot use model: output 's' has 81 classes including background but the spec lists 2"
                + " labels (expected labels + 1, or set output.background: none)");
    assertThatThrownBy(
            () ->
                post.check(
                    signature(
                        new long[] {-1, 6820, 4}, new long[] {-1, 6820, 3}, new long[] {-1, 6820})))
        .isInstanceOf(UsageException.class)
        .hasMessage(
            "Cannot use model: output 'a' has shape [-1, 6820] (expected [N, anchors, 4] or"
                + " [anchors, 4])");
  }

  @Test
  void checksAnAnchorsFileAgainstTheModel(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("anchors.csv"), "0,0,1,1\n0,0,0.5,0.5\n");
    Postprocessor<List<Detection>> post =
        DetectionPostprocessors.of(
            specAt(
                dir, "  type: ssd-anchors\n  scores: s\n  boxes: b\n  anchors_file: anchors.csv\n"),
            DetectionLimits.none());

    assertThat(post.requiredOutputs()).containsExactly("b", "s");
    assertThatThrownBy(
            () -> post.check(signature(new long[] {1, 3, 4}, new long[] {1, 3, 3}, null)))
        .isInstanceOf(UsageException.class)
        .hasMessage(
            "Cannot use model: output 'b' has 3 anchors but output.anchors_file "
                + dir.resolve("anchors.csv")
                + " holds 2");
  }

  @Test
  void rejectsSpecMistakesNamingTheField(@TempDir Path dir) throws IOException {
    String base = "  type: ssd-anchors\n  scores: s\n  boxes: b\n";
    Files.writeString(dir.resolve("bad.txt"), "0 0 1\n");

    assertThatThrownBy(
            () ->
                DetectionPostprocessors.of(
                    DetectionDecodingTest.spec(INPUT_100, base), DetectionLimits.none()))
        .isInstanceOf(UsageException.class)
        .hasMessage(
            "Cannot read model spec: output type 'ssd-anchors' needs exactly one of output.anchors"
                + " (the name of the anchors output) and output.anchors_file (got neither)");
    assertThatThrownBy(
            () ->
                DetectionPostprocessors.of(
                    DetectionDecodingTest.spec(
                        INPUT_100, base + "  anchors: a\n  box_coding: center-offsets\n"),
                    DetectionLimits.none()))
        .isInstanceOf(UsageException.class)
        .hasMessage(
            "Cannot read model spec: unknown output.box_coding 'center-offsets' (expected one of"
                + " [corner-offsets, center-size, center-size-yx])");
    assertThatThrownBy(
            () ->
                DetectionPostprocessors.of(
                    DetectionDecodingTest.spec(
                        INPUT_100, base + "  anchors: a\n  variances: [0.1, 0.2]\n"),
                    DetectionLimits.none()))
        .isInstanceOf(UsageException.class)
        .hasMessage("Cannot read model spec: output.variances needs 4 numbers (got [0.1, 0.2])");
    assertThatThrownBy(
            () ->
                DetectionPostprocessors.of(
                    specAt(dir, base + "  anchors_file: bad.txt\n"), DetectionLimits.none()))
        .isInstanceOf(UsageException.class)
        .hasMessage(
            "Cannot read model spec: output.anchors_file "
                + dir.resolve("bad.txt")
                + " row 1 has 3 numbers (expected 4, xyxy)");
  }

  private static ModelSpec specAt(Path dir, String output) {
    String yaml =
        "name: tiny\ntask: detection\nuri: tiny.onnx\ninput:\n"
            + INPUT_100
            + "output:\n"
            + output
            + "labels:\n  list: [a, b]\n  category_ids: [3, 7]\n";
    return new ModelSpecLoader(new LocalResources())
        .parse(yaml, dir.resolve("tiny.yaml").toString());
  }

  private static ModelSignature signature(long[] boxes, long[] scores, long[] anchors) {
    Map<String, ModelSignature.Port> outputs =
        anchors == null
            ? Map.of(
                "b", new ModelSignature.Port("b", "float", boxes),
                "s", new ModelSignature.Port("s", "float", scores))
            : Map.of(
                "b", new ModelSignature.Port("b", "float", boxes),
                "s", new ModelSignature.Port("s", "float", scores),
                "a", new ModelSignature.Port("a", "float", anchors));
    return new ModelSignature(Map.of(), outputs);
  }
}
