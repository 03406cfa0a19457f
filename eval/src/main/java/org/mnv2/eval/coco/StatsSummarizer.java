package org.mnv2.eval.coco;

import java.util.List;

/**
 * pycocotools' {@code summarize} for bbox: each stat is {@code np.mean(s[s > -1])} over a slice of
 * the precision {@code [T][R][K][A][M]} or recall {@code [T][K][A][M]} array, or -1 if that slice
 * has no entry above -1. Values are gathered in numpy's row-major order (threshold, recall point,
 * category by ascending id) so that the pairwise sum adds them in the same order.
 */
final class StatsSummarizer {
  private static final int ALL_THRESHOLDS = -1;
  private static final int MAX_DETS_100 = 2;

  private StatsSummarizer() {}

  /** {@code categories} must be sorted by ascending id. */
  static CocoStats summarize(List<CocoCategoryAccumulation> categories) {
    int iou50 = thresholdIndex(0.5);
    int iou75 = thresholdIndex(0.75);
    return new CocoStats(
        precisionMean(categories, ALL_THRESHOLDS, CocoAreaRange.ALL, MAX_DETS_100),
        precisionMean(categories, iou50, CocoAreaRange.ALL, MAX_DETS_100),
        precisionMean(categories, iou75, CocoAreaRange.ALL, MAX_DETS_100),
        precisionMean(categories, ALL_THRESHOLDS, CocoAreaRange.SMALL, MAX_DETS_100),
        precisionMean(categories, ALL_THRESHOLDS, CocoAreaRange.MEDIUM, MAX_DETS_100),
        precisionMean(categories, ALL_THRESHOLDS, CocoAreaRange.LARGE, MAX_DETS_100),
        recallMean(categories, CocoAreaRange.ALL, 0),
        recallMean(categories, CocoAreaRange.ALL, 1),
        recallMean(categories, CocoAreaRange.ALL, MAX_DETS_100),
        recallMean(categories, CocoAreaRange.SMALL, MAX_DETS_100),
        recallMean(categories, CocoAreaRange.MEDIUM, MAX_DETS_100),
        recallMean(categories, CocoAreaRange.LARGE, MAX_DETS_100));
  }

  /** {@code np.where(iouThr == p.iouThrs)}: exact equality, as pycocotools looks it up. */
  private static int thresholdIndex(double threshold) {
    for (int t = 0; t < CocoParams.T; t++) {
      if (CocoParams.IOU_THRESHOLDS[t] == threshold) {
        return t;
      }
    }
    throw new IllegalStateException(
        "Cannot find IoU threshold " + threshold + " among the linspace thresholds");
  }

  private static double precisionMean(
      List<CocoCategoryAccumulation> categories, int onlyThreshold, CocoAreaRange area, int m) {
    int from = onlyThreshold == ALL_THRESHOLDS ? 0 : onlyThreshold;
    int to = onlyThreshold == ALL_THRESHOLDS ? CocoParams.T : onlyThreshold + 1;
    double[] values = new double[(to - from) * CocoParams.R * categories.size()];
    int n = 0;
    for (int t = from; t < to; t++) {
      for (int r = 0; r < CocoParams.R; r++) {
        for (CocoCategoryAccumulation category : categories) {
          double p = category.precisionAt(t, r, area.ordinal(), m);
          if (p > -1) {
            values[n++] = p;
          }
        }
      }
    }
    return n == 0 ? -1 : NumpyMean.mean(values, n);
  }

  private static double recallMean(
      List<CocoCategoryAccumulation> categories, CocoAreaRange area, int m) {
    double[] values = new double[CocoParams.T * categories.size()];
    int n = 0;
    for (int t = 0; t < CocoParams.T; t++) {
      for (CocoCategoryAccumulation category : categories) {
        double r = category.recallAt(t, area.ordinal(), m);
        if (r > -1) {
          values[n++] = r;
        }
      }
    }
    return n == 0 ? -1 : NumpyMean.mean(values, n);
  }
}
