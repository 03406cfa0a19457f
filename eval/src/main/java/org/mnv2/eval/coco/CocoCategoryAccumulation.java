package org.mnv2.eval.coco;

import java.io.Serializable;
import java.util.Arrays;

/**
 * One category's slice of pycocotools' {@code eval['precision']} and {@code eval['recall']}: the
 * interpolated precision at 101 recall points and the final recall, for every IoU threshold, area
 * range and maxDets. Entries are -1 where the category has no non-ignored ground truth in that area
 * range (pycocotools' marker for "left out of the mean").
 *
 * <p>Indices: {@code t} over the 10 IoU thresholds 0.50..0.95, {@code r} over the 101 recall
 * points, {@code a} over {@link CocoAreaRange#ordinal()}, {@code m} over maxDets 1, 10, 100.
 */
public record CocoCategoryAccumulation(int categoryId, double[] precision, double[] recall)
    implements Serializable {

  static final int PRECISION_SIZE = CocoParams.T * CocoParams.R * CocoParams.A * CocoParams.M;
  static final int RECALL_SIZE = CocoParams.T * CocoParams.A * CocoParams.M;

  /**
   * @param precision flattened {@code [T][R][A][M]}, row-major
   * @param recall flattened {@code [T][A][M]}, row-major
   */
  public CocoCategoryAccumulation {
    if (precision.length != PRECISION_SIZE || recall.length != RECALL_SIZE) {
      throw new IllegalArgumentException(
          "Cannot create accumulation for category "
              + categoryId
              + ": wrong array sizes (expected precision "
              + PRECISION_SIZE
              + " and recall "
              + RECALL_SIZE
              + ", got "
              + precision.length
              + " and "
              + recall.length
              + ")");
    }
    precision = precision.clone();
    recall = recall.clone();
  }

  @Override
  public double[] precision() {
    return precision.clone();
  }

  @Override
  public double[] recall() {
    return recall.clone();
  }

  /** Interpolated precision, or -1 where there is no ground truth to measure against. */
  public double precision(int t, int r, CocoAreaRange area, int m) {
    return precision[precisionIndex(t, r, area.ordinal(), m)];
  }

  /** Recall reached with all kept detections, or -1 where there is no ground truth. */
  public double recall(int t, CocoAreaRange area, int m) {
    return recall[recallIndex(t, area.ordinal(), m)];
  }

  /**
   * AP at IoU .50:.95, area all, maxDets 100 (metrics.json's per-category AP), or null when the
   * category has no non-crowd ground truth.
   */
  public Double averagePrecision() {
    double[] values = new double[CocoParams.T * CocoParams.R];
    int n = 0;
    for (int t = 0; t < CocoParams.T; t++) {
      for (int r = 0; r < CocoParams.R; r++) {
        double p = precision[precisionIndex(t, r, CocoAreaRange.ALL.ordinal(), CocoParams.M - 1)];
        if (p > -1) {
          values[n++] = p;
        }
      }
    }
    return n == 0 ? null : NumpyMean.mean(values, n);
  }

  double precisionAt(int t, int r, int a, int m) {
    return precision[precisionIndex(t, r, a, m)];
  }

  double recallAt(int t, int a, int m) {
    return recall[recallIndex(t, a, m)];
  }

  static int precisionIndex(int t, int r, int a, int m) {
    return ((t * CocoParams.R + r) * CocoParams.A + a) * CocoParams.M + m;
  }

  static int recallIndex(int t, int a, int m) {
    return (t * CocoParams.A + a) * CocoParams.M + m;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof CocoCategoryAccumulation that
        && categoryId == that.categoryId
        && Arrays.equals(precision, that.precision)
        && Arrays.equals(recall, that.recall);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * categoryId + Arrays.hashCode(precision)) + Arrays.hashCode(recall);
  }

  @Override
  public String toString() {
    return "CocoCategoryAccumulation[categoryId="
        + categoryId
        + ", averagePrecision="
        + averagePrecision()
        + "]";
  }
}
