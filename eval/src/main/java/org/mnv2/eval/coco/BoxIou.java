package org.mnv2.eval.coco;

/**
 * Box IoU exactly as pycocotools' {@code maskApi.c bbIou}: continuous coordinates (no +1), and for
 * a crowd ground truth the union is the detection's area alone, so a detection lying inside a crowd
 * region has IoU 1 with it whatever the region's size.
 *
 * <p>The operations and their order are the C code's, so the doubles are bit-identical.
 */
final class BoxIou {
  private BoxIou() {}

  /**
   * IoU of detection {@code dt} with ground truth {@code gt}; 0 when they do not overlap with
   * positive width and height.
   */
  static double iou(XywhBox dt, XywhBox gt, boolean gtCrowd) {
    double w = Math.min(dt.width() + dt.x(), gt.width() + gt.x()) - Math.max(dt.x(), gt.x());
    if (w <= 0) {
      return 0;
    }
    double h = Math.min(dt.height() + dt.y(), gt.height() + gt.y()) - Math.max(dt.y(), gt.y());
    if (h <= 0) {
      return 0;
    }
    double intersection = w * h;
    double dtArea = dt.width() * dt.height();
    double union = gtCrowd ? dtArea : dtArea + gt.width() * gt.height() - intersection;
    return intersection / union;
  }
}
