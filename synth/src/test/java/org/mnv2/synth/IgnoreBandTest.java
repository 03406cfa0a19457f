package org.mnv2.synth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class IgnoreBandTest {

  private static final byte I = (byte) 255;

  @Test
  void marksTwoPixelsOnEachSideOfABorder() {
    // A 2x2 object of class 3 in a 8x7 image: the band reaches 2 pixels out from its outline and
    // covers the whole (thin) object.
    byte[] labels = new byte[8 * 7];
    labels[3 * 8 + 3] = 3;
    labels[3 * 8 + 4] = 3;
    labels[4 * 8 + 3] = 3;
    labels[4 * 8 + 4] = 3;

    byte[] band = IgnoreBand.apply(labels, 8, 7);

    assertThat(band)
        .containsExactly(
            0, 0, 0, 0, 0, 0, 0, 0, //
            0, I, I, I, I, I, I, 0, //
            0, I, I, I, I, I, I, 0, //
            0, I, I, I, I, I, I, 0, //
            0, I, I, I, I, I, I, 0, //
            0, I, I, I, I, I, I, 0, //
            0, I, I, I, I, I, I, 0);
  }

  @Test
  void leavesTheInsideOfALargeObjectAndTheImageEdgeAlone() {
    // Class 1 fills the left 6 columns of a 10x3 image: the border between columns 5 and 6 gets
    // columns 4..7; the image edges get nothing.
    byte[] labels = new byte[10 * 3];
    for (int y = 0; y < 3; y++) {
      for (int x = 0; x < 6; x++) {
        labels[y * 10 + x] = 1;
      }
    }

    byte[] band = IgnoreBand.apply(labels, 10, 3);

    for (int y = 0; y < 3; y++) {
      assertThat(Arrays.copyOfRange(band, y * 10, y * 10 + 10))
          .as("row %d", y)
          .containsExactly(1, 1, 1, 1, I, I, I, I, 0, 0);
    }
  }

  @Test
  void agreesWithTheWindowDefinitionOnRandomMasks() {
    SplittableRandom random = new SplittableRandom(7);
    for (int trial = 0; trial < 50; trial++) {
      int width = 1 + random.nextInt(30);
      int height = 1 + random.nextInt(30);
      byte[] labels = new byte[width * height];
      // Blocky random labels so that there are both uniform areas and borders.
      int block = 1 + random.nextInt(6);
      for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
          labels[y * width + x] =
              (byte) (Math.floorMod((x / block) * 31 + (y / block) * 17 + trial, 4) == 0 ? 2 : 0);
        }
      }

      byte[] band = IgnoreBand.apply(labels, width, height);

      assertThat(band)
          .as("trial %d (%dx%d)", trial, width, height)
          .containsExactly(bruteForce(labels, width, height));
    }
  }

  /** The definition: a pixel is ignored when its clipped 5x5 window holds more than one label. */
  private static byte[] bruteForce(byte[] labels, int width, int height) {
    byte[] out = labels.clone();
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        boolean mixed = false;
        for (int yy = Math.max(0, y - 2); yy <= Math.min(height - 1, y + 2); yy++) {
          for (int xx = Math.max(0, x - 2); xx <= Math.min(width - 1, x + 2); xx++) {
            mixed |= labels[yy * width + xx] != labels[y * width + x];
          }
        }
        if (mixed) {
          out[y * width + x] = I;
        }
      }
    }
    return out;
  }
}
