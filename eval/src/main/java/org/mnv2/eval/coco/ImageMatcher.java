package org.mnv2.eval.coco;

import java.util.ArrayList;
import java.util.List;

/**
 * pycocotools' {@code computeIoU} + {@code evaluateImg} for one image and one category, all four
 * area ranges at once (the IoU matrix is shared; only the ignore flags differ per range).
 *
 * <p>Greedy matching, per IoU threshold: detections in descending score order (stable: ties keep
 * input order), each takes the best still-free ground truth with IoU &ge; threshold, where later
 * ground truth wins ties in IoU ({@code if iou < best: continue}); non-ignored ground truth comes
 * first and a detection already matched to non-ignored ground truth never moves to ignored ground
 * truth. A crowd region stays free after a match, so it absorbs any number of detections.
 */
final class ImageMatcher {
  private static final int ALL_THRESHOLDS = (1 << CocoParams.T) - 1;

  private ImageMatcher() {}

  static List<CocoImageEvaluation> evaluate(
      long imageId, int categoryId, List<CocoAnnotation> gts, List<CocoDetection> dts) {
    if (gts.isEmpty() && dts.isEmpty()) {
      return List.of(); // pycocotools: evaluateImg returns None
    }
    Detections kept = Detections.of(dts);
    int d = kept.scores.length;
    int g = gts.size();
    XywhBox[] gtBoxes = new XywhBox[g];
    boolean[] gtCrowd = new boolean[g];
    double[] gtArea = new double[g];
    long[] gtId = new long[g];
    for (int j = 0; j < g; j++) {
      CocoAnnotation gt = gts.get(j);
      gtBoxes[j] = gt.bbox();
      gtCrowd[j] = gt.crowd();
      gtArea[j] = gt.area();
      gtId[j] = gt.id();
    }
    double[][] ious = new double[d][g];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < g; j++) {
        ious[i][j] = BoxIou.iou(kept.boxes[i], gtBoxes[j], gtCrowd[j]);
      }
    }
    List<CocoImageEvaluation> out = new ArrayList<>(CocoParams.A);
    for (CocoAreaRange range : CocoAreaRange.values()) {
      boolean[] ignoredInInputOrder = new boolean[g];
      for (int j = 0; j < g; j++) {
        ignoredInInputOrder[j] = gtCrowd[j] || range.excludes(gtArea[j]);
      }
      int[] gtOrder = nonIgnoredFirst(ignoredInInputOrder);
      boolean[] gtIgnored = new boolean[g];
      for (int j = 0; j < g; j++) {
        gtIgnored[j] = ignoredInInputOrder[gtOrder[j]];
      }
      int[] matched = new int[d];
      int[] ignored = new int[d];
      for (int t = 0; t < CocoParams.T; t++) {
        match(t, ious, gtOrder, gtIgnored, gtCrowd, gtId, matched, ignored);
      }
      for (int i = 0; i < d; i++) {
        if (range.excludes(kept.areas[i])) {
          ignored[i] |= ~matched[i] & ALL_THRESHOLDS; // unmatched and outside the range
        }
      }
      out.add(
          new CocoImageEvaluation(
              imageId, categoryId, range, kept.scores, matched, ignored, gtIgnored));
    }
    return out;
  }

  /**
   * One threshold of pycocotools' matching loop, setting bit {@code t} of the detections' masks; gt
   * indices are in {@code gtOrder} order.
   */
  private static void match(
      int t,
      double[][] ious,
      int[] gtOrder,
      boolean[] gtIgnored,
      boolean[] crowdInInputOrder,
      long[] idInInputOrder,
      int[] matched,
      int[] ignored) {
    int bit = 1 << t;
    int g = gtOrder.length;
    boolean[] gtTaken = new boolean[g];
    for (int i = 0; i < ious.length; i++) {
      double best = Math.min(CocoParams.IOU_THRESHOLDS[t], CocoParams.MAX_IOU);
      int m = -1;
      for (int j = 0; j < g; j++) {
        if (gtTaken[j] && !crowdInInputOrder[gtOrder[j]]) {
          continue;
        }
        if (m > -1 && !gtIgnored[m] && gtIgnored[j]) {
          break;
        }
        double iou = ious[i][gtOrder[j]];
        if (iou < best) {
          continue;
        }
        best = iou;
        m = j;
      }
      if (m == -1) {
        continue;
      }
      if (gtIgnored[m]) {
        ignored[i] |= bit;
      }
      // pycocotools records the matched gt id and later tests it against 0
      if (idInInputOrder[gtOrder[m]] != 0) {
        matched[i] |= bit;
      }
      gtTaken[m] = true;
    }
  }

  /** numpy {@code argsort(ignore, kind='mergesort')}: non-ignored first, each in input order. */
  private static int[] nonIgnoredFirst(boolean[] ignored) {
    int[] order = new int[ignored.length];
    int next = 0;
    for (int j = 0; j < ignored.length; j++) {
      if (!ignored[j]) {
        order[next++] = j;
      }
    }
    for (int j = 0; j < ignored.length; j++) {
      if (ignored[j]) {
        order[next++] = j;
      }
    }
    return order;
  }

  /** The detections pycocotools keeps: stable descending score order, the first 100. */
  private static final class Detections {
    final double[] scores;
    final double[] areas;
    final XywhBox[] boxes;

    private Detections(double[] scores, double[] areas, XywhBox[] boxes) {
      this.scores = scores;
      this.areas = areas;
      this.boxes = boxes;
    }

    static Detections of(List<CocoDetection> dts) {
      double[] allScores = new double[dts.size()];
      for (int i = 0; i < allScores.length; i++) {
        allScores[i] = dts.get(i).score();
      }
      int[] order = StableOrder.descending(allScores);
      int kept = Math.min(order.length, CocoParams.MAX_DETS_PER_IMAGE);
      double[] scores = new double[kept];
      double[] areas = new double[kept];
      XywhBox[] boxes = new XywhBox[kept];
      for (int i = 0; i < kept; i++) {
        CocoDetection dt = dts.get(order[i]);
        scores[i] = dt.score();
        areas[i] = dt.area();
        boxes[i] = dt.bbox();
      }
      return new Detections(scores, areas, boxes);
    }
  }
}
