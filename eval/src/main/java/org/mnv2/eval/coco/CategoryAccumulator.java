package org.mnv2.eval.coco;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * pycocotools' {@code accumulate} for one category.
 *
 * <p>Per area range and maxDets: the first maxDets detections of every image (images in ascending
 * id order, as pycocotools iterates its sorted {@code imgIds}) are merged by a stable descending
 * sort on score, so ties across images are broken by image id, then by the per-image order. Ignored
 * detections are neither true nor false positives but still occupy a rank. Precision is made
 * monotone from the right and read at each recall threshold with {@code searchsorted(side='left')};
 * recall thresholds beyond the reached recall get precision 0.
 */
final class CategoryAccumulator {
  private CategoryAccumulator() {}

  static CocoCategoryAccumulation accumulate(
      int categoryId, Iterable<CocoImageEvaluation> evaluations) {
    Map<CocoAreaRange, List<CocoImageEvaluation>> byRange = new EnumMap<>(CocoAreaRange.class);
    for (CocoAreaRange range : CocoAreaRange.values()) {
      byRange.put(range, new ArrayList<>());
    }
    Set<ImageInRange> seen = new HashSet<>();
    for (CocoImageEvaluation e : evaluations) {
      if (e.categoryId() != categoryId) {
        throw new IllegalArgumentException(
            "Cannot accumulate category "
                + categoryId
                + ": an evaluation of image "
                + e.imageId()
                + " belongs to another category (expected "
                + categoryId
                + ", got "
                + e.categoryId()
                + ")");
      }
      if (!seen.add(new ImageInRange(e.imageId(), e.areaRange()))) {
        throw new IllegalArgumentException(
            "Cannot accumulate category "
                + categoryId
                + ": image "
                + e.imageId()
                + " is evaluated twice in area range "
                + e.areaRange().label()
                + " (expected one evaluation per image and area range)");
      }
      byRange.get(e.areaRange()).add(e);
    }
    double[] precision = new double[CocoCategoryAccumulation.PRECISION_SIZE];
    double[] recall = new double[CocoCategoryAccumulation.RECALL_SIZE];
    Arrays.fill(precision, -1);
    Arrays.fill(recall, -1);
    for (CocoAreaRange range : CocoAreaRange.values()) {
      List<CocoImageEvaluation> images = byRange.get(range);
      images.sort(Comparator.comparingLong(CocoImageEvaluation::imageId));
      for (int m = 0; m < CocoParams.M; m++) {
        accumulate(images, range.ordinal(), m, precision, recall);
      }
    }
    return new CocoCategoryAccumulation(categoryId, precision, recall);
  }

  private record ImageInRange(long imageId, CocoAreaRange range) {}

  private static void accumulate(
      List<CocoImageEvaluation> images, int a, int m, double[] precision, double[] recall) {
    if (images.isEmpty()) {
      return;
    }
    int maxDet = CocoParams.MAX_DETS[m];
    int nonIgnoredGt = 0;
    int n = 0;
    for (CocoImageEvaluation e : images) {
      nonIgnoredGt += e.nonIgnoredGroundTruthCount();
      n += Math.min(maxDet, e.detectionCount());
    }
    if (nonIgnoredGt == 0) {
      return;
    }
    // concatenate, remembering where each detection came from
    double[] scores = new double[n];
    int[] owner = new int[n];
    int[] index = new int[n];
    int k = 0;
    for (int img = 0; img < images.size(); img++) {
      CocoImageEvaluation e = images.get(img);
      int kept = Math.min(maxDet, e.detectionCount());
      for (int i = 0; i < kept; i++) {
        scores[k] = e.score(i);
        owner[k] = img;
        index[k] = i;
        k++;
      }
    }
    int[] order = StableOrder.descending(scores);
    double[] rc = new double[n];
    double[] pr = new double[n];
    for (int t = 0; t < CocoParams.T; t++) {
      long tp = 0;
      long fp = 0;
      for (int i = 0; i < n; i++) {
        int j = order[i];
        CocoImageEvaluation e = images.get(owner[j]);
        if (!e.ignored(t, index[j])) {
          if (e.matched(t, index[j])) {
            tp++;
          } else {
            fp++;
          }
        }
        rc[i] = (double) tp / nonIgnoredGt;
        pr[i] = (double) tp / ((double) fp + (double) tp + CocoParams.EPS);
      }
      recall[CocoCategoryAccumulation.recallIndex(t, a, m)] = n > 0 ? rc[n - 1] : 0;
      for (int i = n - 1; i > 0; i--) {
        if (pr[i] > pr[i - 1]) {
          pr[i - 1] = pr[i];
        }
      }
      int i = 0;
      for (int r = 0; r < CocoParams.R; r++) {
        double threshold = CocoParams.RECALL_THRESHOLDS[r];
        while (i < n && rc[i] < threshold) {
          i++;
        }
        // pycocotools leaves q at 0 once searchsorted runs past the end
        precision[CocoCategoryAccumulation.precisionIndex(t, r, a, m)] = i < n ? pr[i] : 0;
      }
    }
  }
}
