package org.mnv2.model.postprocess;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Greedy non-maximum suppression per class, torchvision's {@code batched_nms} semantics: in
 * descending score order, a candidate is dropped when its IoU with an already kept candidate of the
 * same class is strictly greater than the threshold.
 *
 * <p>IoU convention (COCO's and torchvision's, not DJL's "+1 pixel"): boxes are continuous corner
 * coordinates, area = (x2 - x1) * (y2 - y1), IoU = intersection / (area1 + area2 - intersection).
 * Two zero-area boxes have IoU 0 (torchvision computes 0 / 0 = NaN, which never suppresses).
 */
final class Nms {
  private Nms() {}

  /**
   * The kept candidates, by descending score (ties in insertion order), at most {@code limit}.
   * Candidates are visited in global score order and only compared with kept boxes of their own
   * class, so stopping at {@code limit} gives exactly the first {@code limit} of the full result.
   */
  static int[] perClass(Candidates c, double iouThreshold, int limit) {
    return greedy(c, iouThreshold, limit, true);
  }

  /**
   * The same greedy suppression with every candidate compared with every kept one, whatever its
   * class (class-agnostic NMS); the kept candidates keep their own classes.
   */
  static int[] classAgnostic(Candidates c, double iouThreshold, int limit) {
    return greedy(c, iouThreshold, limit, false);
  }

  private static int[] greedy(Candidates c, double iouThreshold, int limit, boolean byClass) {
    Integer[] order = c.byDescendingScore();
    Map<Integer, List<Integer>> keptByClass = new HashMap<>();
    int[] kept = new int[Math.min(limit, c.size())];
    int n = 0;
    for (int i = 0; i < order.length && n < kept.length; i++) {
      int candidate = order[i];
      List<Integer> same =
          keptByClass.computeIfAbsent(
              byClass ? c.classIndex(candidate) : 0, k -> new ArrayList<>());
      boolean suppressed = false;
      for (int k : same) {
        if (iou(c, candidate, k) > iouThreshold) {
          suppressed = true;
          break;
        }
      }
      if (!suppressed) {
        same.add(candidate);
        kept[n++] = candidate;
      }
    }
    return Arrays.copyOf(kept, n);
  }

  static double iou(Candidates c, int a, int b) {
    return iou(c.x1(a), c.y1(a), c.x2(a), c.y2(a), c.x1(b), c.y1(b), c.x2(b), c.y2(b));
  }

  /** IoU of two corner boxes (continuous coordinates, no +1). */
  static double iou(
      double ax1,
      double ay1,
      double ax2,
      double ay2,
      double bx1,
      double by1,
      double bx2,
      double by2) {
    double iw = Math.min(ax2, bx2) - Math.max(ax1, bx1);
    double ih = Math.min(ay2, by2) - Math.max(ay1, by1);
    if (iw <= 0 || ih <= 0) {
      return 0;
    }
    double inter = iw * ih;
    double union = (ax2 - ax1) * (ay2 - ay1) + (bx2 - bx1) * (by2 - by1) - inter;
    return union <= 0 ? 0 : inter / union;
  }
}
