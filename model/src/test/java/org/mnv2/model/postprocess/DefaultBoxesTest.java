package org.mnv2.model.postprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mnv2.model.UsageException;

/** Anchors against values computed by hand from torchvision's DefaultBoxGenerator formulas. */
class DefaultBoxesTest {

  @Test
  void generatesTorchvisionDefaultBoxesInHeadOrder() {
    // One 2x2 feature map on a 100x100 input, scales 0.2 and 0.5, aspect ratio 2:
    // pairs (0.2, 0.2), (sqrt(0.1), sqrt(0.1)), (0.2 sqrt 2, 0.2 / sqrt 2) and its transpose.
    DefaultBoxes boxes =
        new DefaultBoxes(
            List.of(new int[] {2, 2}),
            List.of(new double[] {2}),
            new double[] {0.2, 0.5},
            null,
            true,
            100,
            100);

    float[] a = boxes.corners();

    assertThat(boxes.count()).isEqualTo(16);
    assertThat(a).hasSize(64);
    // Cell (row 0, col 0), centre (0.25, 0.25).
    assertBox(a, 0, 15, 15, 35, 35);
    double half = Math.sqrt(0.1) / 2;
    assertBox(
        a, 1, 100 * (0.25 - half), 100 * (0.25 - half), 100 * (0.25 + half), 100 * (0.25 + half));
    double hw = 0.2 * Math.sqrt(2) / 2;
    double hh = 0.2 / Math.sqrt(2) / 2;
    assertBox(a, 2, 100 * (0.25 - hw), 100 * (0.25 - hh), 100 * (0.25 + hw), 100 * (0.25 + hh));
    assertBox(a, 3, 100 * (0.25 - hh), 100 * (0.25 - hw), 100 * (0.25 + hh), 100 * (0.25 + hw));
    // Cell (row 0, col 1) comes next: columns vary fastest, centre (0.75, 0.25).
    assertBox(a, 4, 65, 15, 85, 35);
    // Cell (row 1, col 0), centre (0.25, 0.75).
    assertBox(a, 8, 15, 65, 35, 85);
  }

  @Test
  void clipsWidthAndHeightToTheImageButNotTheCentres() {
    // s' = sqrt(0.9 * 1.2) = 1.039 > 1: clamped to 1 with clip, kept without.
    DefaultBoxes clipped =
        new DefaultBoxes(
            List.of(new int[] {1, 1}),
            List.of(new double[0]),
            new double[] {0.9, 1.2},
            null,
            true,
            10,
            10);
    DefaultBoxes unclipped =
        new DefaultBoxes(
            List.of(new int[] {1, 1}),
            List.of(new double[0]),
            new double[] {0.9, 1.2},
            null,
            false,
            10,
            10);

    assertBox(clipped.corners(), 1, 0, 0, 10, 10);
    double half = Math.sqrt(0.9 * 1.2) / 2;
    assertBox(
        unclipped.corners(),
        1,
        10 * (0.5 - half),
        10 * (0.5 - half),
        10 * (0.5 + half),
        10 * (0.5 + half));
  }

  @Test
  void stepsSetTheCentreSpacingOfNonSquareInputs() {
    // 200 wide, 100 high, step 50: f_x = 4, f_y = 2; first centre (0.125, 0.25).
    DefaultBoxes boxes =
        new DefaultBoxes(
            List.of(new int[] {2, 4}),
            List.of(new double[0]),
            new double[] {0.1, 0.1},
            new double[] {50},
            true,
            200,
            100);

    float[] a = boxes.corners();

    assertBox(
        a, 0, 200 * (0.125 - 0.05), 100 * (0.25 - 0.05), 200 * (0.125 + 0.05), 100 * (0.25 + 0.05));
    assertBox(
        a, 2, 200 * (0.375 - 0.05), 100 * (0.25 - 0.05), 200 * (0.375 + 0.05), 100 * (0.25 + 0.05));
  }

  @Test
  void defaultScalesFollowTorchvision() {
    // min 0.15, max 0.9, 6 maps: 0.15 + 0.75 k / 5, then 1.0.
    assertThat(DefaultBoxes.defaultScales(6, 0.15, 0.9))
        .containsExactly(new double[] {0.15, 0.3, 0.45, 0.6, 0.75, 0.9, 1.0}, within(1e-12));
    assertThat(DefaultBoxes.defaultScales(1, 0.15, 0.9)).containsExactly(0.15, 0.9);
  }

  @Test
  void rejectsScalesThatDoNotFitTheFeatureMaps() {
    assertThatThrownBy(
            () ->
                new DefaultBoxes(
                    List.of(new int[] {2, 2}, new int[] {1, 1}),
                    List.of(new double[0], new double[0]),
                    new double[] {0.2, 0.5},
                    null,
                    true,
                    100,
                    100))
        .isInstanceOf(UsageException.class)
        .hasMessage(
            "Cannot read model spec: output.scales needs one more value than feature maps"
                + " (expected 3, got 2)");
  }

  private static void assertBox(float[] a, int index, double x1, double y1, double x2, double y2) {
    assertThat(new double[] {a[index * 4], a[index * 4 + 1], a[index * 4 + 2], a[index * 4 + 3]})
        .as("anchor %d", index)
        .containsExactly(new double[] {x1, y1, x2, y2}, within(1e-4));
  }
}
