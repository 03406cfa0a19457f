package org.mnv2.model.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.mnv2.model.spec.InputSpec;

/** Letterboxing: the resized image inside the padded canvas, where the alignment says. */
class PreprocessorTest {

  static InputSpec letterbox(InputSpec.LetterboxAlign align) {
    return new InputSpec(
        "images",
        InputSpec.Layout.NCHW,
        InputSpec.DType.FLOAT32,
        64,
        48,
        InputSpec.ResizeMode.LETTERBOX,
        0,
        InputSpec.Interpolation.BILINEAR_ANTIALIAS,
        align,
        114,
        InputSpec.ChannelOrder.RGB,
        1f / 255,
        new float[] {0, 0, 0},
        new float[] {1, 1, 1},
        InputSpec.Decode.EXACT);
  }

  @Test
  void theCanvasIsThePadAroundTheResizedImage() {
    // 100x40 into 64x48: ratio 0.64, resized to 64x25, 23 rows of padding.
    byte[] src = ResamplerTest.pattern(100, 40);
    byte[] resized = Resampler.resize(src, 100, 40, 64, 25, 0, 0, 64, 25, true);
    for (InputSpec.LetterboxAlign align : InputSpec.LetterboxAlign.values()) {
      int top = align == InputSpec.LetterboxAlign.CENTER ? 11 : 0;
      byte[] expected = new byte[64 * 48 * 3];
      Arrays.fill(expected, (byte) 114);
      System.arraycopy(resized, 0, expected, top * 64 * 3, resized.length);

      Preprocessor.Prepared prepared =
          new Preprocessor(letterbox(align)).prepare(new RgbImage(100, 40, src));

      assertThat(prepared.rgb()).as("%s", align).isEqualTo(expected);
      assertThat(prepared.geometry().offsetY()).as("%s", align).isEqualTo(top);
      assertThat(prepared.geometry().scaleX()).isEqualTo(0.64);
    }
  }
}
