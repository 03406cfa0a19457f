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
 *
 * <p>The stable sort is done once per area range, over all kept detections: the stable order of the
 * first 1 or 10 per image is that order with the others left out, because a stable sort orders by
 * (descending score, position in the concatenation) and leaving detections out keeps the relative
 * positions of the rest.
 */
final class CategoryAccumulator {
  private CategoryAccumulator() {}

  static CocoCategoryAccumulation accumulate(
      int categoryId, Iterable<CocoImageEvaluation> evaluations) {
    Map<CocoAreaRange, List<CocoImageEvaluation>> byRange = byRange(categoryId, evaluations);
    double[] precision = new double[CocoCategoryAccumulation.PRECISION_SIZE];
    double[] recall = new double[CocoCategoryAccumulation.RECALL_SIZE];
    Arrays.fill(precision, -1);
    Arrays.fill(recall, -1);
    for (CocoAreaRange range : CocoAreaRange.values()) {
      List<CocoImageEvaluation> images = byRange.get(range);
      images.sort(Comparator.comparingLong(CocoImageEvaluation::imageId));
      RankedDetections ranked = RankedDetections.of(images);
      if (images.isEmpty() || ranked.nonIgnoredGt == 0) {
        continue; // pycocotools: no evaluated image, or npig == 0 -> entries stay -1
      }
      for (int m = 0; m < CocoParams.M; m++) {
        ranked.accumulate(CocoParams.MAX_DETS[m], range.ordinal(), m, precision, recall);
      }
    }
    return new CocoCategoryAccumulation(categoryId, precision, recall);
  }

  private static Map<CocoAreaRange, List<CocoImageEvaluation>> byRange(
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
    return byRange;
  }

  private record ImageInRange(long imageId, CocoAreaRange range) {}

  /**
   * The detections of one area range in ranking order, as compact arrays (so the loops below do not
   * chase pointers through thousands of records): per-threshold flags as bit masks, and each
   * detection's rank within its own image for the maxDets cut.
   */
  private static final class RankedDetections {
    final int nonIgnoredGt;
    final int[] rankInImage;
    final int[] matched;
    final int[] ignored;

    private RankedDetections(int nonIgnoredGt, int[] rankInImage, int[] matched, int[] ignored) {
      this.nonIgnoredGt = nonIgnoredGt;
      this.rankInImage = rankInImage;
      this.matched = matched;
      this.ignored = ignored;
    }

    static RankedDetections of(List<CocoImageEvaluation> images) {
      int nonIgnoredGt = 0;
      int total = 0;
      for (CocoImageEvaluation e : images) {
        nonIgnoredGt += e.nonIgnoredGroundTruthCount();
        total += e.detectionCount();
      }
      double[] scores = new double[total];
      int[] rank = new int[total];
      int[] matched = new int[total];
      int[] ignored = new int[total];
      int k = 0;
      for (CocoImageEvaluation e : images) {
        for (int d = 0; d < e.detectionCount(); d++, k++) {
          scores[k] = e.score(d);
          rank[k] = d;
          matched[k] = e.matchedMask(d);
          ignored[k] = e.ignoredMask(d);
        }
      }
      int[] order = StableOrder.descending(scores);
      return new RankedDetections(
          nonIgnoredGt, permute(rank, order), permute(matched, order), permute(ignored, order));
    }

    private static int[] permute(int[] values, int[] order) {
      int[] out = new int[order.length];
      for (int i = 0; i < order.length; i++) {
        out[i] = values[order[i]];
      }
      return out;
    }

    /** One (area range, maxDets) cell of pycocotools' precision and recall arrays. */
    void accumulate(int maxDet, int a, int m, double[] precision, double[] recall) {
      int[] kept = new int[rankInImage.length];
      int n = 0;
      for (int i = 0; i < rankInImage.length; i++) {
        if (rankInImage[i] < maxDet) {
          kept[n++] = i;
        }
      }
      double[] rc = new double[n];
      double[] pr = new double[n];
      for (int t = 0; t < CocoParams.T; t++) {
        int bit = 1 << t;
        long tp = 0;
        long fp = 0;
        for (int i = 0; i < n; i++) {
          int j = kept[i];
          if ((ignored[j] & bit) == 0) {
            if ((matched[j] & bit) != 0) {
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
}
