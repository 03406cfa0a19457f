package org.mnv2.eval.voc;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.mnv2.model.mask.LabelMask;

/**
 * The VOC segmentation confusion matrix: {@code count(t, p)} pixels whose ground truth is class t
 * and whose prediction is class p, accumulated over a whole split (the metrics are computed once
 * from the sums, never averaged per image). Ground-truth pixels labelled {@value #IGNORE} are
 * skipped.
 *
 * <p>Mutable and not thread-safe: one instance per partition, then {@link #merge} them.
 * Serializable so Spark can ship partition matrices to the driver.
 */
public final class ConfusionMatrix implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The VOC "void" label (object borders, difficult regions): not evaluated. */
  public static final int IGNORE = 255;

  private final int classes;
  private final long[] counts;
  private long images;

  /** An empty matrix over class indices 0 .. classes - 1. */
  public ConfusionMatrix(int classes) {
    if (classes < 1 || classes > IGNORE) {
      throw new IllegalArgumentException(
          "Cannot create confusion matrix: class count out of range (expected 1.."
              + IGNORE
              + ", got "
              + classes
              + ")");
    }
    this.classes = classes;
    this.counts = new long[classes * classes];
  }

  public int classes() {
    return classes;
  }

  /** Images added so far (over merges). */
  public long images() {
    return images;
  }

  /**
   * Adds one image: its ground truth and its prediction, which must be the same size (predictions
   * are compared at the ground truth's resolution and never resized here).
   *
   * @param name the image or file name, used in error messages
   * @throws VocFormatException on a size mismatch or a label that is not a class
   */
  public void add(LabelMask truth, LabelMask prediction, String name) {
    if (truth.width() != prediction.width() || truth.height() != prediction.height()) {
      throw new VocFormatException(
          "Cannot evaluate "
              + name
              + ": the prediction is not the ground truth's size (expected "
              + truth.width()
              + "x"
              + truth.height()
              + ", got "
              + prediction.width()
              + "x"
              + prediction.height()
              + "; predictions are compared at the ground truth's resolution, not resized)");
    }
    add(truth.labels(), prediction.labels(), name);
  }

  /**
   * Adds one image given as row-major label arrays of equal length.
   *
   * @throws VocFormatException on a length mismatch or a label that is not a class
   */
  public void add(byte[] truth, byte[] prediction, String name) {
    if (truth.length != prediction.length) {
      throw new VocFormatException(
          "Cannot evaluate "
              + name
              + ": the prediction has another pixel count than the ground truth (expected "
              + truth.length
              + ", got "
              + prediction.length
              + ")");
    }
    for (int i = 0; i < truth.length; i++) {
      int t = truth[i] & 0xFF;
      if (t == IGNORE) {
        continue;
      }
      int p = prediction[i] & 0xFF;
      if (t >= classes || p >= classes) {
        throw badLabel(name, t >= classes ? "ground-truth" : "predicted", t >= classes ? t : p, i);
      }
      counts[t * classes + p]++;
    }
    images++;
  }

  private VocFormatException badLabel(String name, String which, int label, int index) {
    return new VocFormatException(
        "Cannot evaluate "
            + name
            + ": "
            + which
            + " label "
            + label
            + " at pixel "
            + index
            + " is not a class (expected 0.."
            + (classes - 1)
            + (which.equals("ground-truth") ? " or " + IGNORE : "")
            + ", got "
            + label
            + ")");
  }

  /** Adds {@code other} into this matrix and returns this. */
  public ConfusionMatrix merge(ConfusionMatrix other) {
    if (other.classes != classes) {
      throw new IllegalArgumentException(
          "Cannot merge confusion matrices: class counts differ (expected "
              + classes
              + ", got "
              + other.classes
              + ")");
    }
    for (int i = 0; i < counts.length; i++) {
      counts[i] += other.counts[i];
    }
    images += other.images;
    return this;
  }

  /** Pixels of ground-truth class {@code truth} predicted as {@code predicted}. */
  public long count(int truth, int predicted) {
    return counts[truth * classes + predicted];
  }

  /** Evaluated pixels (ground truth not {@value #IGNORE}) whose ground truth is {@code c}. */
  public long truthPixels(int c) {
    long sum = 0;
    for (int p = 0; p < classes; p++) {
      sum += counts[c * classes + p];
    }
    return sum;
  }

  /** Evaluated pixels predicted as {@code c}. */
  public long predictedPixels(int c) {
    long sum = 0;
    for (int t = 0; t < classes; t++) {
      sum += counts[t * classes + c];
    }
    return sum;
  }

  /**
   * IoU = TP / (TP + FP + FN) of class {@code c}, or null when the class is in neither the ground
   * truth nor the prediction (its IoU is undefined and it is left out of the mean).
   */
  public Double iou(int c) {
    long tp = count(c, c);
    long union = truthPixels(c) + predictedPixels(c) - tp;
    return union == 0 ? null : tp / (double) union;
  }

  /** TP / ground-truth pixels of class {@code c}, or null when the ground truth has none. */
  public Double accuracy(int c) {
    long truth = truthPixels(c);
    return truth == 0 ? null : count(c, c) / (double) truth;
  }

  /** Mean IoU over the classes present in ground truth or prediction; null when none is. */
  public Double meanIoU() {
    double sum = 0;
    int n = 0;
    for (int c = 0; c < classes; c++) {
      Double iou = iou(c);
      if (iou != null) {
        sum += iou;
        n++;
      }
    }
    return n == 0 ? null : sum / n;
  }

  /** Correct pixels / evaluated pixels; null when no pixel was evaluated. */
  public Double pixelAccuracy() {
    long correct = 0;
    long total = 0;
    for (int t = 0; t < classes; t++) {
      correct += count(t, t);
      total += truthPixels(t);
    }
    return total == 0 ? null : correct / (double) total;
  }

  /** Mean of the per-class accuracies over the classes present in the ground truth. */
  public Double meanClassAccuracy() {
    double sum = 0;
    int n = 0;
    for (int c = 0; c < classes; c++) {
      Double accuracy = accuracy(c);
      if (accuracy != null) {
        sum += accuracy;
        n++;
      }
    }
    return n == 0 ? null : sum / n;
  }

  /**
   * The metrics of this matrix.
   *
   * @param names class names by index; a class past the end is called "class_N"
   */
  public SegmentationMetrics metrics(List<String> names) {
    List<SegmentationMetrics.ClassMetrics> perClass = new ArrayList<>(classes);
    for (int c = 0; c < classes; c++) {
      perClass.add(
          new SegmentationMetrics.ClassMetrics(
              c,
              c < names.size() ? names.get(c) : "class_" + c,
              iou(c),
              accuracy(c),
              truthPixels(c),
              predictedPixels(c),
              count(c, c)));
    }
    return new SegmentationMetrics(
        images, meanIoU(), pixelAccuracy(), meanClassAccuracy(), perClass);
  }

  @Override
  public String toString() {
    return "ConfusionMatrix[" + classes + " classes, " + images + " images]";
  }
}
