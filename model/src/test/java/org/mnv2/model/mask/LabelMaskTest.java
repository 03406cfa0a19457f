package org.mnv2.model.mask;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LabelMaskTest {

  @Test
  void copiesLabelsInAndOut() {
    byte[] labels = {0, 1, 2, (byte) 255, 4, 5};
    LabelMask mask = new LabelMask(3, 2, labels);

    labels[0] = 9;
    mask.labels()[1] = 9;

    assertThat(mask.labels()).containsExactly(0, 1, 2, 255, 4, 5);
    assertThat(mask.label(0, 1)).isEqualTo(255);
    assertThat(mask.label(2, 1)).isEqualTo(5);
  }

  @Test
  void equalityComparesLabelContents() {
    assertThat(new LabelMask(2, 1, new byte[] {1, 2}))
        .isEqualTo(new LabelMask(2, 1, new byte[] {1, 2}))
        .hasSameHashCodeAs(new LabelMask(2, 1, new byte[] {1, 2}))
        .isNotEqualTo(new LabelMask(1, 2, new byte[] {1, 2}));
  }

  @Test
  void rejectsALabelCountThatDoesNotMatchTheSize() {
    assertThatThrownBy(() -> new LabelMask(3, 2, new byte[5]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot create label mask: label count does not match the size (expected 6 for 3x2,"
                + " got 5)");
  }

  @Test
  void rejectsPixelsOutsideTheMask() {
    LabelMask mask = new LabelMask(3, 2, new byte[6]);

    assertThatThrownBy(() -> mask.label(3, 0))
        .isInstanceOf(IndexOutOfBoundsException.class)
        .hasMessage(
            "Cannot read label: pixel outside the mask (expected 0 <= x < 3, 0 <= y < 2, got (3,"
                + " 0))");
  }

  @Test
  void countsThePixelsOfEachClassAndRefusesALabelOutOfRange() {
    LabelMask mask = LabelMask.of(3, 2, new byte[] {0, 2, 2, 1, 2, 0}, 3);

    assertThat(mask.classPixels(3)).containsExactly(2, 1, 3);
    assertThat(mask.classPixels(LabelMask.LABEL_VALUES)).hasSize(256).startsWith(2, 1, 3);
    assertThatThrownBy(() -> LabelMask.of(2, 1, new byte[] {1, (byte) 255}, 21))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot count label mask classes: label out of range (expected 0..20, got 255)");
  }
}
