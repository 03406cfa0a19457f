package org.mnv2.eval.coco;

/**
 * pycocotools' four area ranges, in its order. Both ends are inclusive: an object of area exactly
 * 32² is small <em>and</em> medium, one of exactly 96² medium and large. Ground truth is binned by
 * its {@code area} field, detections by {@code w * h}.
 */
public enum CocoAreaRange {
  ALL("all", 0, 1e10),
  SMALL("small", 0, 32 * 32),
  MEDIUM("medium", 32 * 32, 96 * 96),
  LARGE("large", 96 * 96, 1e10);

  private final String label;
  private final double min;
  private final double max;

  CocoAreaRange(String label, double min, double max) {
    this.label = label;
    this.min = min;
    this.max = max;
  }

  /** pycocotools' {@code areaRngLbl}: all, small, medium, large. */
  public String label() {
    return label;
  }

  public double min() {
    return min;
  }

  public double max() {
    return max;
  }

  /** {@code area < min or area > max}, pycocotools' test, so NaN would count as inside. */
  boolean excludes(double area) {
    return area < min || area > max;
  }
}
