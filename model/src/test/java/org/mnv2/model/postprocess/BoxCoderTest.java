package org.mnv2.model.postprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class BoxCoderTest {
  private final BoxCoder ssd = new BoxCoder(10, 10, 5, 5, (float) BoxCoder.DEFAULT_CLIP);

  @Test
  void decodesAgainstTheAnchorWithTheWeights() {
    // Anchor (10, 20)-(30, 60): size 20 x 40, centre (20, 40). dx = 1/10, dy = -2/10,
    // dw = 5 ln 2 / 5, dh = 0: centre (22, 32), size 40 x 40.
    float[] anchors = {0, 0, 1, 1, 10, 20, 30, 60};
    float[] codes = {1, -2, (float) (5 * Math.log(2)), 0};
    float[] box = new float[4];

    ssd.decode(codes, 0, anchors, 1, box);

    assertThat(box).containsExactly(new float[] {2, 12, 42, 52}, within(1e-4f));
  }

  @Test
  void clampsLogSizesBeforeExp() {
    // dw = 50 / 5 = 10 > log(1000 / 16): the width becomes 1000 / 16 * 20 = 1250, not e^10 * 20.
    float[] anchors = {10, 20, 30, 60};
    float[] codes = {0, 0, 50, 0};
    float[] box = new float[4];

    ssd.decode(codes, 0, anchors, 0, box);

    assertThat(box[2] - box[0]).isCloseTo(1250f, within(0.01f));
    assertThat(box[3] - box[1]).isCloseTo(40f, within(1e-4f));
  }
}
