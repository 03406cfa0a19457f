package org.mnv2.model.postprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class NmsTest {

  @Test
  void suppressesOnlyAboveTheThresholdAndOnlyWithinAClass() {
    Candidates c = new Candidates();
    c.add(0, 0, 10, 10, 0.9f, 0); // 0: A
    c.add(1, 0, 11, 10, 0.8f, 0); // 1: IoU with A = 90 / 110 = 0.818 -> suppressed
    c.add(1, 0, 11, 10, 0.7f, 1); // 2: same box, other class -> kept
    c.add(20, 20, 30, 30, 0.95f, 0); // 3: far away -> kept, first
    c.add(0, 0, 10, 5, 0.6f, 0); // 4: IoU with A exactly 50 / 100 = 0.5 -> kept (not > 0.5)

    int[] keep = Nms.perClass(c, 0.5, 100);

    assertThat(keep).containsExactly(3, 0, 2, 4);
  }

  @Test
  void limitCutsTheScoreOrderedResult() {
    Candidates c = new Candidates();
    c.add(0, 0, 10, 10, 0.9f, 0);
    c.add(1, 0, 11, 10, 0.8f, 0);
    c.add(1, 0, 11, 10, 0.7f, 1);
    c.add(20, 20, 30, 30, 0.95f, 0);

    assertThat(Nms.perClass(c, 0.5, 2)).containsExactly(3, 0);
  }

  @Test
  void tiesInScoreKeepInsertionOrder() {
    Candidates c = new Candidates();
    c.add(0, 0, 10, 10, 0.5f, 0);
    c.add(0, 0, 10, 10, 0.5f, 0);
    c.add(50, 50, 60, 60, 0.5f, 0);

    assertThat(Nms.perClass(c, 0.5, 100)).containsExactly(0, 2);
  }

  @Test
  void iouUsesContinuousCoordinatesWithoutThePlusOnePixel() {
    // 10x10 boxes offset by 5: intersection 5x10 = 50, union 150 (the +1 convention gives 55/187).
    assertThat(Nms.iou(0, 0, 10, 10, 5, 0, 15, 10)).isCloseTo(1.0 / 3, within(1e-12));
    // Touching edges do not overlap.
    assertThat(Nms.iou(0, 0, 10, 10, 10, 0, 20, 10)).isZero();
    // Zero-area boxes never suppress each other (torchvision: 0 / 0 = NaN, not > threshold).
    assertThat(Nms.iou(5, 5, 5, 5, 5, 5, 5, 5)).isZero();
  }
}
