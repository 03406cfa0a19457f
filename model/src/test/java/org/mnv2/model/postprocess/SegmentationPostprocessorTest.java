package org.mnv2.model.postprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mnv2.model.PipelineException;
import org.mnv2.model.UsageException;
import org.mnv2.model.image.ImageGeometry;
import org.mnv2.model.image.Preprocessor;
import org.mnv2.model.image.RgbImage;
import org.mnv2.model.mask.LabelMask;
import org.mnv2.model.runtime.ModelSignature;
import org.mnv2.model.runtime.Tensor;
import org.mnv2.model.spec.LocalResources;
import org.mnv2.model.spec.ModelSpec;
import org.mnv2.model.spec.ModelSpecLoader;

/**
 * Segmentation postprocessing on hand-made tensors: argmax over NCHW and NHWC logits, label maps,
 * and the way back to the original size through stretch, letterbox and centre-crop geometries.
 */
class SegmentationPostprocessorTest {

  /** A 4x4 network, 3 classes; {@code output} holds whatever the test puts there. */
  static ModelSpec spec(String resize, String output) {
    String yaml =
        """
        name: seg-test
        task: segmentation
        uri: seg.onnx
        input:
          name: input
          width: 4
          height: 4
          resize: %s
          resize_shorter: 4
          letterbox_align: center
        output:
          %s
        labels:
          list: [background, a, b]
        """
            .formatted(resize, output.replace("\n", "\n  "));
    return new ModelSpecLoader(new LocalResources()).parse(yaml, "/specs/seg.yaml");
  }

  static ImageGeometry geometry(ModelSpec spec, int width, int height) {
    return new Preprocessor(spec.input())
        .prepare(new RgbImage(width, height, new byte[width * height * 3]))
        .geometry();
  }

  /** Network-resolution labels as NCHW logits: the labelled class scores 1, the others 0. */
  static float[] nchwLogits(int[] labels, int classes) {
    float[] out = new float[labels.length * classes];
    for (int p = 0; p < labels.length; p++) {
      out[labels[p] * labels.length + p] = 1f;
    }
    return out;
  }

  static float[] nhwcLogits(int[] labels, int classes) {
    float[] out = new float[labels.length * classes];
    for (int p = 0; p < labels.length; p++) {
      out[p * classes + labels[p]] = 1f;
    }
    return out;
  }

  static final int[] NET =
      new int[] {
        0, 1, 1, 2, //
        0, 1, 1, 2, //
        0, 0, 2, 2, //
        1, 0, 0, 0
      };

  static LabelMask decodeOne(ModelSpec spec, Tensor tensor, ImageGeometry geometry) {
    List<LabelMask> masks =
        new SegmentationPostprocessor(spec)
            .decode(Map.of(tensor.name(), tensor), List.of(geometry));
    assertThat(masks).hasSize(1);
    return masks.get(0);
  }

  static int[][] rows(LabelMask mask) {
    int[][] out = new int[mask.height()][mask.width()];
    for (int y = 0; y < mask.height(); y++) {
      for (int x = 0; x < mask.width(); x++) {
        out[y][x] = mask.label(x, y);
      }
    }
    return out;
  }

  @Test
  void nchwArgmaxThenNearestWithFloorOfDstTimesInOverOut() {
    ModelSpec spec = spec("stretch", "type: logits\nname: out\nlayout: NCHW");
    Tensor logits = new Tensor("out", new long[] {1, 3, 4, 4}, nchwLogits(NET, 3));

    LabelMask mask = decodeOne(spec, logits, geometry(spec, 6, 3));

    // columns: floor(x * 4 / 6) = 0,0,1,2,2,3; rows: floor(y * 4 / 3) = 0,1,2
    assertThat(rows(mask))
        .isEqualTo(
            new int[][] {
              {0, 0, 1, 1, 1, 2},
              {0, 0, 1, 1, 1, 2},
              {0, 0, 0, 2, 2, 2}
            });
    assertThat(mask.classPixels(3)).containsExactly(7, 6, 5);
  }

  @Test
  void nhwcLogitsGiveTheSameMaskAsNchw() {
    ModelSpec nchw = spec("stretch", "type: logits\nname: out");
    ModelSpec nhwc = spec("stretch", "type: logits\nname: out\nlayout: NHWC");
    ImageGeometry g = geometry(nchw, 9, 7);

    LabelMask a =
        decodeOne(nchw, new Tensor("out", new long[] {1, 3, 4, 4}, nchwLogits(NET, 3)), g);
    LabelMask b =
        decodeOne(nhwc, new Tensor("out", new long[] {1, 4, 4, 3}, nhwcLogits(NET, 3)), g);

    assertThat(b).isEqualTo(a);
  }

  @Test
  void tiesGoToTheLowestClassIndex() {
    ModelSpec spec = spec("stretch", "type: logits\nname: out");
    float[] data = new float[3 * 16];
    for (int p = 0; p < 16; p++) {
      data[16 + p] = 2f; // classes 1 and 2 tie everywhere, above class 0
      data[32 + p] = 2f;
    }

    LabelMask mask =
        decodeOne(spec, new Tensor("out", new long[] {1, 3, 4, 4}, data), geometry(spec, 4, 4));

    assertThat(mask.classPixels(3)).containsExactly(0, 16, 0);
  }

  @Test
  void letterboxPaddingIsNeverSampled() {
    ModelSpec spec = spec("letterbox", "type: logits\nname: out");
    // 8x4 original -> scale 0.5 -> 4x2 content centred vertically: network rows 1 and 2.
    int[] net = {
      2, 2, 2, 2, //
      0, 1, 1, 0, //
      1, 1, 0, 0, //
      2, 2, 2, 2
    };

    LabelMask mask =
        decodeOne(
            spec,
            new Tensor("out", new long[] {1, 3, 4, 4}, nchwLogits(net, 3)),
            geometry(spec, 8, 4));

    assertThat(rows(mask))
        .isEqualTo(
            new int[][] {
              {0, 0, 1, 1, 1, 1, 0, 0},
              {0, 0, 1, 1, 1, 1, 0, 0},
              {1, 1, 1, 1, 0, 0, 0, 0},
              {1, 1, 1, 1, 0, 0, 0, 0}
            });
  }

  @Test
  void centreCropEdgesTakeTheNearestSeenPixel() {
    ModelSpec spec = spec("center-crop", "type: logits\nname: out");
    // 8x4 original -> shorter side 4 -> 8x4 resized, centre crop 4x4 at x = 2: columns 2..5 seen.
    LabelMask mask =
        decodeOne(
            spec,
            new Tensor("out", new long[] {1, 3, 4, 4}, nchwLogits(NET, 3)),
            geometry(spec, 8, 4));

    assertThat(rows(mask)[0]).containsExactly(0, 0, 0, 1, 1, 2, 2, 2);
    assertThat(rows(mask)[3]).containsExactly(1, 1, 1, 0, 0, 0, 0, 0);
  }

  @Test
  void bilinearArgmaxInterpolatesLogitsAtPixelCentres() {
    ModelSpec spec = spec("stretch", "type: logits\nname: out\nto_original: bilinear-argmax");
    // Class 1 rises left to right (0, 1, 2, 3), class 0 is flat at 1.4. At 8 px wide, pixel centres
    // sample u = (x + 0.5) / 2 - 0.5 = 0 (clamped), 0.25, 0.75, 1.25, 1.75, ...: class 1 wins from
    // x = 4 (1.75 > 1.4), where nearest would switch at x = 2.
    float[] data = new float[3 * 16];
    for (int p = 0; p < 16; p++) {
      data[p] = 1.4f;
      data[16 + p] = p % 4;
      data[32 + p] = -5f;
    }

    LabelMask mask =
        decodeOne(spec, new Tensor("out", new long[] {1, 3, 4, 4}, data), geometry(spec, 8, 2));

    assertThat(rows(mask)[0]).containsExactly(0, 0, 0, 0, 1, 1, 1, 1);
    assertThat(rows(mask)[1]).containsExactly(0, 0, 0, 0, 1, 1, 1, 1);
  }

  @Test
  void labelMapOutputsAreUsedAsGiven() {
    ModelSpec spec = spec("stretch", "type: labels\nname: out");
    float[] data = new float[16];
    for (int p = 0; p < 16; p++) {
      data[p] = NET[p];
    }

    LabelMask mask =
        decodeOne(spec, new Tensor("out", new long[] {1, 4, 4}, data), geometry(spec, 4, 4));

    assertThat(mask.labels()).containsExactly(toBytes(NET));
  }

  @Test
  void batchesDecodeEachImageAtItsOwnSize() {
    ModelSpec spec = spec("stretch", "type: logits\nname: out");
    float[] one = nchwLogits(NET, 3);
    float[] data = new float[2 * one.length];
    System.arraycopy(one, 0, data, 0, one.length);
    System.arraycopy(nchwLogits(new int[16], 3), 0, data, one.length, one.length);

    List<LabelMask> masks =
        new SegmentationPostprocessor(spec)
            .decode(
                Map.of("out", new Tensor("out", new long[] {2, 3, 4, 4}, data)),
                List.of(geometry(spec, 4, 4), geometry(spec, 5, 3)));

    assertThat(masks.get(0).labels()).containsExactly(toBytes(NET));
    assertThat(masks.get(1).width()).isEqualTo(5);
    assertThat(masks.get(1).classPixels(3)).containsExactly(15, 0, 0);
  }

  @Test
  void labelMapValuesOutsideTheLabelsAreRejected() {
    ModelSpec spec = spec("stretch", "type: labels\nname: out");
    float[] data = new float[16];
    data[5] = 7f;

    assertThatThrownBy(
            () ->
                decodeOne(
                    spec, new Tensor("out", new long[] {1, 4, 4}, data), geometry(spec, 4, 4)))
        .isInstanceOf(PipelineException.class)
        .hasMessageContaining("Cannot decode label map of model seg-test: value 7.0 at cell 5")
        .hasMessageContaining("expected an integer in 0..2");
  }

  @Test
  void specMistakesAreNamed() {
    assertThatThrownBy(
            () ->
                new SegmentationPostprocessor(
                    spec("stretch", "type: logits\nname: out\nto_original: cubic")))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("unknown output.to_original 'cubic'")
        .hasMessageContaining("[argmax-nearest, bilinear-argmax]");
    assertThatThrownBy(
            () ->
                new SegmentationPostprocessor(
                    spec("stretch", "type: labels\nname: out\nto_original: bilinear-argmax")))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("expected one of [nearest]");
    assertThatThrownBy(
            () ->
                new SegmentationPostprocessor(
                    spec("stretch", "type: logits\nname: out\nlayout: CHW")))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("unknown output.layout 'CHW' (expected NCHW or NHWC)");
  }

  @Test
  void aLayoutThatDoesNotFitTheModelIsRejectedAtStartUp() {
    SegmentationPostprocessor nchw =
        new SegmentationPostprocessor(spec("stretch", "type: logits\nname: out"));
    ModelSignature nhwcModel =
        new ModelSignature(
            Map.of(),
            Map.of("out", new ModelSignature.Port("out", "float", new long[] {1, 257, 257, 3})));

    assertThatThrownBy(() -> nchw.check(nhwcModel))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("has 257 classes");
  }

  private static byte[] toBytes(int[] values) {
    byte[] out = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (byte) values[i];
    }
    return out;
  }
}
