package org.mnv2.synth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShapeGeometryTest {

  @Test
  void axisAlignedSquareCoversExactlyItsPixels() {
    // Circumradius sqrt(2) * 2 at 45 degrees: corners at (+-2, +-2) around (5, 5), so pixels
    // 3..6 in both directions (their centres 3.5..6.5 lie within [3, 7]).
    ShapeGeometry square =
        new ShapeGeometry(SynthShape.SQUARE, 5, 5, 2 * Math.sqrt(2), Math.PI / 4);
    List<int[]> covered = new ArrayList<>();

    square.forEachCovered(20, 20, (x, y) -> covered.add(new int[] {x, y}));

    assertThat(covered).hasSize(16);
    assertThat(covered).allSatisfy(p -> assertThat(p[0]).isBetween(3, 6));
    assertThat(covered).allSatisfy(p -> assertThat(p[1]).isBetween(3, 6));
  }

  @Test
  void pixelCountsApproachTheNominalArea() {
    for (SynthShape shape : SynthShape.values()) {
      ShapeGeometry geometry = new ShapeGeometry(shape, 100.3, 99.7, 60, 0.4);

      int covered = geometry.countCovered(200, 200);

      // Pixel sampling error is about the perimeter over a few pixels; 2% is ample at radius 60.
      assertThat((double) covered)
          .as(shape.name())
          .isCloseTo(geometry.nominalArea(), within(0.02 * geometry.nominalArea()));
    }
  }

  @Test
  void clipsToTheImageAndReportsTheCut() {
    ShapeGeometry disc = new ShapeGeometry(SynthShape.DISC, 0, 50, 10, 0);
    int[] minX = {Integer.MAX_VALUE};

    disc.forEachCovered(100, 100, (x, y) -> minX[0] = Math.min(minX[0], x));

    assertThat(minX[0]).isZero();
    assertThat((double) disc.countCovered(100, 100)).isCloseTo(Math.PI * 50, within(10.0));
    assertThat(disc.isCutBy(100, 100)).isTrue();
    assertThat(new ShapeGeometry(SynthShape.DISC, 50, 50, 10, 0).isCutBy(100, 100)).isFalse();
  }

  @Test
  void circumcirclesKeepTheGap() {
    ShapeGeometry a = new ShapeGeometry(SynthShape.TRIANGLE, 0, 0, 10, 0);

    assertThat(a.isApartFrom(new ShapeGeometry(SynthShape.DISC, 24, 0, 10, 0), 4)).isTrue();
    assertThat(a.isApartFrom(new ShapeGeometry(SynthShape.DISC, 23.9, 0, 10, 0), 4)).isFalse();
  }
}
