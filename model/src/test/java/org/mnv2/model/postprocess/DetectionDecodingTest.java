package org.mnv2.model.postprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mnv2.model.UsageException;
import org.mnv2.model.image.ImageGeometry;
import org.mnv2.model.runtime.Tensor;
import org.mnv2.model.spec.LocalResources;
import org.mnv2.model.spec.ModelSpec;
import org.mnv2.model.spec.ModelSpecLoader;

/** The three detection layouts on tiny hand-made outputs whose results are computed by hand. */
class DetectionDecodingTest {

  static ModelSpec spec(String input, String output) {
    String yaml =
        "name: tiny\ntask: detection\nuri: tiny.onnx\ninput:\n"
            + input
            + "output:\n"
            + output
            + "labels:\n  list: [a, b]\n  category_ids: [3, 7]\n";
    return new ModelSpecLoader(new LocalResources()).parse(yaml, "/tmp/tiny.yaml");
  }

  static final String INPUT_100 = "  name: input\n  width: 100\n  height: 100\n";

  @Test
  void ssdRawSoftmaxDecodesThresholdsAndSuppressesPerClass() {
    // One 1x1 feature map on 100x100, scales 0.5 and 0.8, no extra ratios: two anchors,
    // (25, 25)-(75, 75) and the sqrt(0.4) box (18.38, 18.38)-(81.62, 81.62); IoU 2500 / 4000.
    ModelSpec spec =
        spec(
            INPUT_100,
            "  type: ssd-raw\n  feature_maps: [[1, 1]]\n  aspect_ratios: [[]]\n"
                + "  scales: [0.5, 0.8]\n  score_threshold: 0.01\n  nms_iou: 0.45\n");
    Postprocessor<List<Detection>> post = DetectionPostprocessors.of(spec, DetectionLimits.none());
    // Zero regression: boxes are the anchors. Logits [bg, a, b]: anchor 0 (0, 3, 0), anchor 1
    // (0, 2.5, 0). softmax: a = e^3 / (2 + e^3) = 0.909443 at anchor 0 (anchor 1's 0.85898 is
    // suppressed, IoU 0.625); b = 1 / (2 + e^2.5) = 0.0705095 at anchor 1 (anchor 0's 0.045278 is
    // suppressed).
    Map<String, Tensor> outputs =
        Map.of(
            "boxes", new Tensor("boxes", new long[] {1, 2, 4}, new float[8]),
            "scores",
                new Tensor("scores", new long[] {1, 2, 3}, new float[] {0, 3, 0, 0, 2.5f, 0}));
    // The original image was 200 x 100, stretched to 100 x 100.
    ImageGeometry stretch = new ImageGeometry(200, 100, 0.5, 1, 0, 0);

    List<Detection> d = post.decode(outputs, List.of(stretch)).get(0);

    assertThat(d).hasSize(2);
    assertThat(d.get(0).classIndex()).isZero();
    assertThat(d.get(0).categoryId()).isEqualTo(3);
    assertThat(d.get(0).label()).isEqualTo("a");
    assertThat(d.get(0).score()).isCloseTo(0.909443f, within(1e-6f));
    assertThat(d.get(0).bbox()).containsExactly(new float[] {50, 25, 100, 50}, within(1e-4f));
    double half = Math.sqrt(0.4) / 2 * 100;
    assertThat(d.get(1).categoryId()).isEqualTo(7);
    assertThat(d.get(1).score()).isCloseTo(0.0705095f, within(1e-6f));
    assertThat(d.get(1).bbox())
        .containsExactly(
            new float[] {
              (float) ((50 - half) * 2), (float) (50 - half), (float) (4 * half), (float) (2 * half)
            },
            within(1e-3f));
  }

  @Test
  void ssdRawHonoursTheCommandsThresholdAndLimit() {
    ModelSpec spec =
        spec(
            INPUT_100,
            "  type: ssd-raw\n  feature_maps: [[1, 1]]\n  aspect_ratios: [[]]\n"
                + "  scales: [0.5, 0.8]\n  score_threshold: 0.01\n  nms_iou: 0.45\n");
    Map<String, Tensor> outputs =
        Map.of(
            "boxes", new Tensor("boxes", new long[] {1, 2, 4}, new float[8]),
            "scores",
                new Tensor("scores", new long[] {1, 2, 3}, new float[] {0, 3, 0, 0, 2.5f, 0}));
    ImageGeometry same = new ImageGeometry(100, 100, 1, 1, 0, 0);

    assertThat(
            DetectionPostprocessors.of(spec, new DetectionLimits(0.5, 0))
                .decode(outputs, List.of(same))
                .get(0))
        .extracting(Detection::categoryId)
        .containsExactly(3);
    assertThat(
            DetectionPostprocessors.of(spec, new DetectionLimits(Double.NaN, 1))
                .decode(outputs, List.of(same))
                .get(0))
        .hasSize(1);
  }

  @Test
  void yoloxDecodesGridsUndoesTheLetterboxAndClips() {
    // 64x64 input, one stride 32: a 2x2 grid, 4 anchors, rows of (cx, cy, log w, log h, obj, a, b).
    ModelSpec spec =
        spec(
            "  name: images\n  width: 64\n  height: 64\n  resize: letterbox\n",
            "  type: yolox\n  name: output\n  strides: [32]\n  candidates: best-class\n");
    float ln2 = (float) Math.log(2);
    float[] data = {
      // cell (0, 0): score 0.001 x 0.5 below the 0.001 threshold
      0,
      0,
      0,
      0,
      0.001f,
      0.5f,
      0,
      // cell (0, 1): the same box as cell (1, 1) but class b: kept (class-aware NMS)
      0.5f,
      1.25f,
      ln2,
      0,
      0.5f,
      0.1f,
      0.6f,
      // cell (1, 0): the same box as cell (1, 1), class a, lower score: suppressed
      1.5f,
      0.25f,
      ln2,
      0,
      0.6f,
      0.8f,
      0.1f,
      // cell (1, 1): cx = (0.5 + 1) * 32 = 48, cy = (0.25 + 1) * 32 = 40, w = 64, h = 32
      0.5f,
      0.25f,
      ln2,
      0,
      0.9f,
      0.8f,
      0.1f
    };
    Map<String, Tensor> outputs =
        Map.of("output", new Tensor("output", new long[] {1, 4, 7}, data));
    // 128 x 64 original, letterboxed at scale 0.5 to the top left.
    ImageGeometry letterbox = new ImageGeometry(128, 64, 0.5, 0.5, 0, 0);

    List<Detection> d =
        DetectionPostprocessors.of(spec, DetectionLimits.none())
            .decode(outputs, List.of(letterbox))
            .get(0);

    // Network box (16, 24)-(80, 56) -> original (32, 48)-(160, 112) -> clipped (32, 48)-(128, 64).
    assertThat(d).hasSize(2);
    assertThat(d.get(0).categoryId()).isEqualTo(3);
    assertThat(d.get(0).score()).isCloseTo(0.72f, within(1e-6f));
    assertThat(d.get(0).bbox()).containsExactly(new float[] {32, 48, 96, 16}, within(1e-4f));
    assertThat(d.get(1).categoryId()).isEqualTo(7);
    assertThat(d.get(1).score()).isCloseTo(0.3f, within(1e-6f));
    assertThat(d.get(1).bbox()).containsExactly(new float[] {32, 48, 96, 16}, within(1e-4f));
  }

  @Test
  void yoloxEveryClassOffersEveryClassAboveTheThreshold() {
    ModelSpec spec =
        spec(
            "  name: images\n  width: 32\n  height: 32\n",
            "  type: yolox\n  strides: [32]\n  candidates: every-class\n");
    float[] data = {0.5f, 0.5f, 0, 0, 0.5f, 0.8f, 0.4f};
    ImageGeometry same = new ImageGeometry(32, 32, 1, 1, 0, 0);

    List<Detection> d =
        DetectionPostprocessors.of(spec, DetectionLimits.none())
            .decode(
                Map.of("output", new Tensor("output", new long[] {1, 1, 7}, data)), List.of(same))
            .get(0);

    assertThat(d).extracting(Detection::score).containsExactly(0.4f, 0.2f);
    assertThat(d).extracting(Detection::categoryId).containsExactly(3, 7);
  }

  @Test
  void tfOdMapsNormalisedBoxesAndOneBasedClassesToOriginalPixels() {
    ModelSpec spec =
        spec(
            "  name: image_tensor\n  layout: NHWC\n  dtype: uint8\n  width: 100\n  height: 100\n",
            "  type: tf-od\n");
    Map<String, Tensor> outputs =
        Map.of(
            "detection_boxes",
                new Tensor(
                    "detection_boxes",
                    new long[] {1, 3, 4},
                    new float[] {0.1f, 0.2f, 0.5f, 0.6f, 0, 0, 1, 1, 0, 0, 0, 0}),
            "detection_classes",
                new Tensor("detection_classes", new long[] {1, 3}, new float[] {2, 1, 0}),
            "detection_scores",
                new Tensor("detection_scores", new long[] {1, 3}, new float[] {0.5f, 0.8f, 0}),
            "num_detections", new Tensor("num_detections", new long[] {1}, new float[] {2}));
    // 200 x 50 original stretched to 100 x 100.
    ImageGeometry stretch = new ImageGeometry(200, 50, 0.5, 2, 0, 0);

    List<Detection> d =
        DetectionPostprocessors.of(spec, DetectionLimits.none())
            .decode(outputs, List.of(stretch))
            .get(0);

    assertThat(d).extracting(Detection::categoryId).containsExactly(3, 7);
    assertThat(d.get(0).bbox()).containsExactly(new float[] {0, 0, 200, 50}, within(1e-4f));
    // x 20..60 -> 40..120, y 10..50 -> 5..25
    assertThat(d.get(1).label()).isEqualTo("b");
    assertThat(d.get(1).bbox()).containsExactly(new float[] {40, 5, 80, 20}, within(1e-4f));
  }

  @Test
  void tfOdCanReadCocoCategoryIdsAsClasses() {
    ModelSpec spec =
        spec(
            "  name: image_tensor\n  layout: NHWC\n  dtype: uint8\n  width: 100\n  height: 100\n",
            "  type: tf-od\n  class_ids: category-id\n");
    Map<String, Tensor> outputs =
        Map.of(
            "detection_boxes",
                new Tensor("detection_boxes", new long[] {1, 1, 4}, new float[] {0, 0, 1, 1}),
            "detection_classes",
                new Tensor("detection_classes", new long[] {1, 1}, new float[] {7}),
            "detection_scores",
                new Tensor("detection_scores", new long[] {1, 1}, new float[] {0.9f}),
            "num_detections", new Tensor("num_detections", new long[] {1}, new float[] {1}));

    Detection d =
        DetectionPostprocessors.of(spec, DetectionLimits.none())
            .decode(outputs, List.of(new ImageGeometry(100, 100, 1, 1, 0, 0)))
            .get(0)
            .get(0);

    assertThat(d.classIndex()).isEqualTo(1);
    assertThat(d.label()).isEqualTo("b");
    assertThat(d.categoryId()).isEqualTo(7);
  }

  @Test
  void postprocessorsTravelInSparkClosures() throws Exception {
    List<ModelSpec> specs =
        List.of(
            spec(INPUT_100, "  type: ssd-raw\n  feature_maps: [[1, 1]]\n  aspect_ratios: [[]]\n"),
            spec(INPUT_100, "  type: yolox\n  strides: [10]\n"),
            spec(INPUT_100, "  type: tf-od\n"),
            spec(INPUT_100, "  type: ssd-anchors\n  anchors: anchors\n"));
    for (ModelSpec spec : specs) {
      Postprocessor<List<Detection>> post =
          DetectionPostprocessors.of(spec, DetectionLimits.none());
      java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
      try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
        out.writeObject(post);
      }
      assertThat(bytes.size()).as(spec.output().type()).isPositive();
    }
  }

  @Test
  void rejectsAnUnknownDetectionLayout() {
    ModelSpec spec = spec(INPUT_100, "  type: boxes\n");

    assertThatThrownBy(() -> DetectionPostprocessors.of(spec, DetectionLimits.none()))
        .isInstanceOf(UsageException.class)
        .hasMessage(
            "Cannot read model spec tiny: unknown detection output.type 'boxes' (expected one of"
                + " [ssd-raw, ssd-anchors, tf-od, yolox])");
  }
}
