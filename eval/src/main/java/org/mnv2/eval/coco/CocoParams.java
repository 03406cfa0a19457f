package org.mnv2.eval.coco;

/**
 * pycocotools' default bbox parameters ({@code Params.setDetParams}), bit for bit.
 *
 * <p>The thresholds are {@code np.linspace} values, which numpy computes as {@code start + i *
 * step} with {@code step = (stop - start) / (num - 1)} and the last element set to {@code stop}.
 * This is not the same as {@code 0.5 + 0.05 * i}: the 9th IoU threshold is 0.8999999999999999, and
 * a detection with IoU exactly 0.9 matches it.
 */
final class CocoParams {
  static final double[] IOU_THRESHOLDS = linspace(0.5, 0.95, 10);
  static final double[] RECALL_THRESHOLDS = linspace(0.0, 1.0, 101);
  static final int[] MAX_DETS = {1, 10, 100};

  /** Detections kept per image and category, highest scores first: {@code maxDets[-1]}. */
  static final int MAX_DETS_PER_IMAGE = 100;

  static final int T = IOU_THRESHOLDS.length;
  static final int R = RECALL_THRESHOLDS.length;
  static final int A = CocoAreaRange.values().length;
  static final int M = MAX_DETS.length;

  /** pycocotools caps every threshold at {@code 1 - 1e-10} before matching. */
  static final double MAX_IOU = 1 - 1e-10;

  /** {@code np.spacing(1)}: keeps precision defined when nothing has been counted yet. */
  static final double EPS = Math.ulp(1.0);

  private CocoParams() {}

  static double[] linspace(double start, double stop, int num) {
    double[] values = new double[num];
    double step = (stop - start) / (num - 1);
    for (int i = 0; i < num; i++) {
      values[i] = i * step + start;
    }
    values[num - 1] = stop;
    return values;
  }
}
