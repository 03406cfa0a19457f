package org.mnv2.model.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.mnv2.model.spec.InputSpec;

/**
 * DCT-scaled decoding: the factor chosen for a resize, the full-size geometry it keeps, and images
 * far above {@link ImageDecoder#MAX_PIXELS} decoded reduced in bounded memory by both decoders.
 */
class ScaledDecodingTest {
  private static final int W = 20000;
  private static final int H = 15000;

  static InputSpec classification(InputSpec.Decode decode) {
    return new InputSpec(
        "input",
        InputSpec.Layout.NCHW,
        InputSpec.DType.FLOAT32,
        224,
        224,
        InputSpec.ResizeMode.CENTER_CROP,
        256,
        InputSpec.Interpolation.BILINEAR_ANTIALIAS,
        InputSpec.LetterboxAlign.TOP_LEFT,
        114,
        InputSpec.ChannelOrder.RGB,
        1f / 255,
        new float[] {0, 0, 0},
        new float[] {1, 1, 1},
        decode);
  }

  @Test
  void theFactorIsTheSmallestEighthThatCoversTheResize() {
    Preprocessor pre = new Preprocessor(classification(InputSpec.Decode.SCALED));
    // 640x480 resizes to 341x256: 5/8 gives 400x300, 4/8 would give 320x240 (< 256).
    assertThat(ImageDecoder.eighths(640, 480, pre::cover, false)).isEqualTo(5);
    // 500x375 -> 341x256: 6/8 gives 375x282 (ceil), 5/8 gives 313x235.
    assertThat(ImageDecoder.eighths(500, 375, pre::cover, false)).isEqualTo(6);
    assertThat(ImageDecoder.eighths(4000, 3000, pre::cover, false)).isEqualTo(1);
    // Smaller than the resize: full size (never upscaled by the decoder).
    assertThat(ImageDecoder.eighths(200, 150, pre::cover, false)).isEqualTo(8);
    // No cover: full size, unless above the limit (then the largest factor within it).
    assertThat(ImageDecoder.eighths(640, 480, null, false)).isEqualTo(8);
    assertThat(ImageDecoder.eighths(W, H, null, false)).isEqualTo(3); // 7500x5625 = 42 MP
  }

  @Test
  void aTwentyThousandByFifteenThousandJpegDecodesAtOneEighthForA256Resize() {
    Preprocessor pre = new Preprocessor(classification(InputSpec.Decode.SCALED));
    RgbImage image = pre.decode(UniformJpegs.baseline(W, H));

    assertThat(image.width()).isEqualTo(2500);
    assertThat(image.height()).isEqualTo(1875);
    assertThat(image.sourceWidth()).isEqualTo(W);
    assertThat(image.sourceHeight()).isEqualTo(H);
    assertUniform(image.pixels(), 128);

    // The geometry and the crop follow the full size: 20000x15000 -> 341x256, crop at (59, 16).
    Preprocessor.Prepared prepared = pre.prepare(image);
    assertThat(prepared.geometry().originalWidth()).isEqualTo(W);
    assertThat(prepared.geometry().originalHeight()).isEqualTo(H);
    assertThat(prepared.geometry().scaleX()).isEqualTo(341.0 / W);
    assertThat(prepared.geometry().scaleY()).isEqualTo(256.0 / H);
    assertThat(prepared.geometry().offsetX()).isEqualTo(-58.0); // rint(58.5) = 58, half to even
    assertThat(prepared.geometry().offsetY()).isEqualTo(-16.0);
    assertThat(prepared.rgb()).hasSize(224 * 224 * 3);
    assertUniform(prepared.rgb(), 128);
  }

  @Test
  void exactModeDecodesFullSizeUpToTheLimitAndReducedAboveIt() {
    Preprocessor exact = new Preprocessor(classification(InputSpec.Decode.EXACT));
    RgbImage small = exact.decode(UniformJpegs.baseline(640, 480));
    assertThat(small.width()).isEqualTo(640);
    assertThat(small.reduced()).isFalse();

    RgbImage huge = exact.decode(UniformJpegs.baseline(W, H));
    assertThat(huge.width()).isEqualTo(7500);
    assertThat(huge.height()).isEqualTo(5625);
    assertThat((long) huge.width() * huge.height()).isLessThanOrEqualTo(ImageDecoder.MAX_PIXELS);
    assertThat(huge.sourceWidth()).isEqualTo(W);
  }

  @Test
  void theImageIoFallbackSubsamplesAJpegAboveTheLimit() {
    // 9000x8000 = 72 MP: every 2nd pixel of every 2nd row, 4500x4000.
    RgbImage image = ImageDecoder.decodeWithImageIo(UniformJpegs.baseline(9000, 8000));
    assertThat(image.width()).isEqualTo(4500);
    assertThat(image.height()).isEqualTo(4000);
    assertThat(image.sourceWidth()).isEqualTo(9000);
    assertThat(image.sourceHeight()).isEqualTo(8000);
    assertUniform(image.pixels(), 128);
    assertThat(ImageDecoder.subsampling(W, H)).isEqualTo(3);
  }

  @Test
  void aProgressiveJpegAboveTheLimitIsRefusedByBothDecoders() {
    byte[] progressive = UniformJpegs.progressiveHeader(W, H);
    assertThat(JpegMarkers.isProgressive(progressive)).isTrue();
    assertThat(JpegMarkers.isProgressive(UniformJpegs.baseline(8, 8))).isFalse();
    String refusal =
        "Cannot decode image: 20000x15000 pixels is above the limit of 64000000 pixels (a"
            + " progressive JPEG is decoded whole;";
    assertThatThrownBy(() -> ImageDecoder.decode(progressive))
        .isInstanceOf(ImageDecodeException.class)
        .hasMessageStartingWith(refusal);
    assertThatThrownBy(() -> ImageDecoder.decodeWithImageIo(progressive))
        .isInstanceOf(ImageDecodeException.class)
        .hasMessageStartingWith(refusal);
  }

  private static void assertUniform(byte[] pixels, int value) {
    int off = 0;
    for (byte p : pixels) {
      if ((p & 0xFF) != value) {
        off++;
      }
    }
    assertThat(off).as("pixels other than " + value).isZero();
  }
}
