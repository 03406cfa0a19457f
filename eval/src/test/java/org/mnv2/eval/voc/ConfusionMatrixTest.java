package org.mnv2.eval.voc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mnv2.model.mask.LabelMask;

/** Confusion matrices small enough to compute by hand, and the VOC conventions they pin down. */
class ConfusionMatrixTest {
  private static final byte X = (byte) 255;
  private static final List<String> NAMES = List.of("background", "a", "b");

  private static ConfusionMatrix matrix(byte[] truth, byte[] prediction) {
    ConfusionMatrix m = new ConfusionMatrix(3);
    m.add(truth, prediction, "case.png");
    return m;
  }

  @Test
  void groundTruth255IsNotEvaluatedWhateverThePrediction() {
    // gt 0 0 1 X / pred 0 1 1 2: (0,0) 1, (0,1) 1, (1,1) 1; the last pixel counts nowhere.
    ConfusionMatrix m = matrix(new byte[] {0, 0, 1, X}, new byte[] {0, 1, 1, 2});

    assertThat(m.count(0, 0)).isEqualTo(1);
    assertThat(m.count(0, 1)).isEqualTo(1);
    assertThat(m.count(1, 1)).isEqualTo(1);
    assertThat(m.predictedPixels(2)).isZero();
    assertThat(m.iou(0)).isEqualTo(0.5); // 1 / (2 + 1 - 1)
    assertThat(m.iou(1)).isEqualTo(0.5); // 1 / (1 + 2 - 1)
    assertThat(m.iou(2)).isNull(); // in neither: left out of the mean
    assertThat(m.meanIoU()).isEqualTo(0.5);
    assertThat(m.pixelAccuracy()).isCloseTo(2 / 3.0, within(1e-15));
    assertThat(m.meanClassAccuracy()).isEqualTo(0.75); // (1/2 + 1/1) / 2
  }

  @Test
  void aClassOnlyInThePredictionCountsWithIouZero() {
    ConfusionMatrix m = matrix(new byte[] {0, 0, 0, 0}, new byte[] {0, 0, 2, 2});

    assertThat(m.iou(0)).isEqualTo(0.5); // 2 / 4
    assertThat(m.iou(1)).isNull();
    assertThat(m.iou(2)).isEqualTo(0.0); // 0 / (0 + 2 - 0): present, so in the mean
    assertThat(m.meanIoU()).isEqualTo(0.25);
    assertThat(m.accuracy(2)).isNull(); // no ground truth: not in the mean class accuracy
    assertThat(m.meanClassAccuracy()).isEqualTo(0.5);
  }

  @Test
  void aClassOnlyInTheGroundTruthCountsWithIouZero() {
    ConfusionMatrix m = matrix(new byte[] {1, 1, 0, 0}, new byte[] {0, 0, 0, 0});

    assertThat(m.iou(0)).isEqualTo(0.5); // 2 / (2 + 4 - 2)
    assertThat(m.iou(1)).isEqualTo(0.0);
    assertThat(m.meanIoU()).isEqualTo(0.25);
    assertThat(m.pixelAccuracy()).isEqualTo(0.5);
    assertThat(m.meanClassAccuracy()).isEqualTo(0.5); // (1 + 0) / 2
  }

  @Test
  void theSplitIsOneMatrixNotAnAverageOfImages() {
    byte[] perfectTruth = {0, 0, 0, 0};
    byte[] perfectPrediction = {0, 0, 0, 0}; // alone: mIoU 1 (only class 0 present)
    byte[] halfTruth = {1, 1, 1, 1};
    byte[] halfPrediction = {1, 1, 0, 0}; // alone: IoU0 0/2, IoU1 2/4 -> mIoU 0.25
    ConfusionMatrix split = new ConfusionMatrix(3);
    split.add(perfectTruth, perfectPrediction, "a.png");
    split.add(halfTruth, halfPrediction, "b.png");

    double perImageAverage =
        (matrix(perfectTruth, perfectPrediction).meanIoU()
                + matrix(halfTruth, halfPrediction).meanIoU())
            / 2;

    assertThat(perImageAverage).isEqualTo(0.625);
    // Summed: (0,0) 4, (1,0) 2, (1,1) 2 -> IoU0 4/6, IoU1 2/4.
    assertThat(split.meanIoU()).isCloseTo((4 / 6.0 + 0.5) / 2, within(1e-15));
    assertThat(split.images()).isEqualTo(2);
  }

  @Test
  void mergingPartitionsEqualsAccumulatingInOne() {
    byte[] t1 = {0, 1, 2, X, 1};
    byte[] p1 = {0, 2, 2, 0, 1};
    byte[] t2 = {2, 2, 0, 0};
    byte[] p2 = {1, 2, 0, 1};
    ConfusionMatrix one = new ConfusionMatrix(3);
    one.add(t1, p1, "1");
    one.add(t2, p2, "2");

    ConfusionMatrix merged = matrix(t1, p1).merge(matrix(t2, p2));

    assertThat(merged.metrics(NAMES)).isEqualTo(one.metrics(NAMES));
    assertThat(merged.images()).isEqualTo(2);
  }

  @Test
  void metricsNameEveryClassAndKeepAbsentOnesNull() {
    SegmentationMetrics metrics =
        matrix(new byte[] {0, 0, 1, X}, new byte[] {0, 1, 1, 2}).metrics(List.of("bg"));

    assertThat(metrics.images()).isEqualTo(1);
    assertThat(metrics.meanIoU()).isEqualTo(0.5);
    assertThat(metrics.perClass())
        .extracting(SegmentationMetrics.ClassMetrics::name)
        .containsExactly("bg", "class_1", "class_2");
    assertThat(metrics.perClass().get(2).iou()).isNull();
    assertThat(metrics.perClass().get(1).truthPixels()).isEqualTo(1);
    assertThat(metrics.perClass().get(1).predictedPixels()).isEqualTo(2);
  }

  @Test
  void anEmptySplitHasNoMetrics() {
    ConfusionMatrix m = new ConfusionMatrix(3);
    m.add(new byte[] {X, X}, new byte[] {0, 1}, "all-ignored.png");

    assertThat(m.meanIoU()).isNull();
    assertThat(m.pixelAccuracy()).isNull();
    assertThat(m.meanClassAccuracy()).isNull();
  }

  @Test
  void aPredictionOfAnotherSizeIsAnErrorNotAResize() {
    LabelMask truth = new LabelMask(4, 3, new byte[12]);
    LabelMask prediction = new LabelMask(3, 4, new byte[12]);

    assertThatThrownBy(() -> new ConfusionMatrix(3).add(truth, prediction, "preds/2007_000032.png"))
        .isInstanceOf(VocFormatException.class)
        .hasMessageStartingWith("Cannot evaluate preds/2007_000032.png:")
        .hasMessageContaining("(expected 4x3, got 3x4;");
  }

  @Test
  void labelsThatAreNotClassesAreErrorsNamingTheFile() {
    assertThatThrownBy(() -> matrix(new byte[] {0, 7}, new byte[] {0, 0}))
        .isInstanceOf(VocFormatException.class)
        .hasMessage(
            "Cannot evaluate case.png: ground-truth label 7 at pixel 1 is not a class"
                + " (expected 0..2 or 255, got 7)");
    assertThatThrownBy(() -> matrix(new byte[] {0, 0}, new byte[] {0, X}))
        .isInstanceOf(VocFormatException.class)
        .hasMessage(
            "Cannot evaluate case.png: predicted label 255 at pixel 1 is not a class"
                + " (expected 0..2, got 255)");
  }
}
