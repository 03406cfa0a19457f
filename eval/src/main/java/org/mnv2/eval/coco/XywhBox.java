package org.mnv2.eval.coco;

import java.io.Serializable;

/**
 * An axis-aligned box in the COCO convention: top-left corner {@code (x, y)}, {@code width} and
 * {@code height}, in original image pixels, continuous coordinates (no "+1 pixel" convention).
 *
 * <p>Zero width or height is allowed (pycocotools keeps such boxes; they overlap nothing). Negative
 * sizes are rejected: they almost always mean corner coordinates {@code [x1, y1, x2, y2]} were
 * written where COCO expects {@code [x, y, w, h]}.
 */
public record XywhBox(double x, double y, double width, double height) implements Serializable {

  public XywhBox {
    if (!(Double.isFinite(x)
        && Double.isFinite(y)
        && Double.isFinite(width)
        && Double.isFinite(height))) {
      throw new CocoFormatException(
          "Cannot create box: a coordinate is not finite (expected finite [x, y, w, h], got "
              + format(x, y, width, height)
              + ")");
    }
    if (width < 0 || height < 0) {
      throw new CocoFormatException(
          "Cannot create box: negative size (expected width >= 0 and height >= 0 in [x, y, w, h],"
              + " got "
              + format(x, y, width, height)
              + ")");
    }
  }

  /** {@code width * height}: the detection area pycocotools' {@code loadRes} assigns. */
  public double area() {
    return width * height;
  }

  /** The box as the JSON array {@code [x, y, w, h]}. */
  public double[] toArray() {
    return new double[] {x, y, width, height};
  }

  static String format(double x, double y, double width, double height) {
    return "[" + x + ", " + y + ", " + width + ", " + height + "]";
  }
}
