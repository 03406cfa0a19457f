package org.mnv2.synth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import org.junit.jupiter.api.Test;

class SynthClassTest {

  @Test
  void tableMatchesSynthMd() {
    assertThat(SynthClass.all())
        .extracting(
            SynthClass::index,
            SynthClass::name,
            SynthClass::shape,
            SynthClass::cocoCategoryId,
            SynthClass::vocIndex)
        .containsExactly(
            tuple(0, "red_disc", SynthShape.DISC, 2, 1),
            tuple(1, "blue_disc", SynthShape.DISC, 5, 2),
            tuple(2, "red_square", SynthShape.SQUARE, 11, 3),
            tuple(3, "blue_square", SynthShape.SQUARE, 13, 4),
            tuple(4, "yellow_triangle", SynthShape.TRIANGLE, 37, 5),
            tuple(5, "cyan_triangle", SynthShape.TRIANGLE, 90, 6));
    assertThat(SynthClass.of(0).red()).isEqualTo(230);
    assertThat(SynthClass.of(0).green()).isEqualTo(40);
    assertThat(SynthClass.of(0).blue()).isEqualTo(40);
    assertThat(SynthClass.of(4).rgb()).isEqualTo((230 << 16) | (210 << 8) | 30);
  }

  @Test
  void pairsOfClassesDifferOnlyByAnRgbBgrSwap() {
    for (int index = 0; index < 6; index += 2) {
      SynthClass first = SynthClass.of(index);
      SynthClass second = SynthClass.of(index + 1);

      assertThat(first.shape()).isEqualTo(second.shape());
      assertThat(second.red()).as(second.name()).isEqualTo(first.blue());
      assertThat(second.green()).as(second.name()).isEqualTo(first.green());
      assertThat(second.blue()).as(second.name()).isEqualTo(first.red());
    }
  }

  @Test
  void namesAreInIndexOrder() {
    assertThat(SynthClass.names())
        .containsExactly(
            "red_disc",
            "blue_disc",
            "red_square",
            "blue_square",
            "yellow_triangle",
            "cyan_triangle");
  }

  @Test
  void rejectsAnUnknownIndex() {
    assertThatThrownBy(() -> SynthClass.of(6))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot look up synthetic class: index out of range (expected 0..5, got 6)");
  }
}
