package org.mnv2.synth;

/**
 * Where and how large a shape is drawn, in continuous image coordinates (pixel (x, y) covers {@code
 * [x, x + 1) x [y, y + 1)}). A pixel belongs to the shape when its centre {@code (x + 0.5, y +
 * 0.5)} is inside: a hard point-in-shape test with no antialiasing, so the painted pixels and the
 * mask are the same set by construction.
 *
 * <p>Squares and triangles are regular polygons with circumradius {@code radius}, their first
 * vertex at {@code angle} radians. Trigonometry goes through {@link StrictMath} so that the same
 * seed gives the same pixels on every JVM and platform.
 *
 * @param shape the outline
 * @param centerX centre x in pixels
 * @param centerY centre y in pixels
 * @param radius circumradius in pixels (the disc's radius)
 * @param angle rotation in radians (ignored for discs)
 */
record ShapeGeometry(
    SynthShape shape, double centerX, double centerY, double radius, double angle) {

  /** Receives the pixels covered by a shape. */
  interface PixelVisitor {
    void visit(int x, int y);
  }

  ShapeGeometry {
    if (shape == null || !(radius > 0)) {
      throw new IllegalArgumentException(
          "Cannot create shape geometry: missing shape or non-positive radius (expected a shape"
              + " and radius > 0, got "
              + shape
              + " and "
              + radius
              + ")");
    }
  }

  /** Returns the area of the shape over a circumradius squared (pi for a disc, 2 for a square). */
  static double areaFactor(SynthShape shape) {
    return switch (shape) {
      case DISC -> Math.PI;
      case SQUARE -> 2.0;
      case TRIANGLE -> 3.0 * StrictMath.sqrt(3.0) / 4.0;
    };
  }

  /** Returns the exact (continuous) area of the shape, clipping ignored. */
  double nominalArea() {
    return areaFactor(shape) * radius * radius;
  }

  /** Returns whether the circumcircles of the two shapes are at least {@code gap} pixels apart. */
  boolean isApartFrom(ShapeGeometry other, double gap) {
    double dx = centerX - other.centerX;
    double dy = centerY - other.centerY;
    double reach = radius + other.radius + gap;
    return dx * dx + dy * dy >= reach * reach;
  }

  /** Returns the offsets of the shape's left, top, right and bottom extremes from its centre. */
  double[] extentFromCenter() {
    if (shape == SynthShape.DISC) {
      return new double[] {-radius, -radius, radius, radius};
    }
    int sides = sides();
    double[] extent = {
      Double.POSITIVE_INFINITY,
      Double.POSITIVE_INFINITY,
      Double.NEGATIVE_INFINITY,
      Double.NEGATIVE_INFINITY
    };
    for (int k = 0; k < sides; k++) {
      double a = angle + 2 * Math.PI * k / sides;
      double vx = radius * StrictMath.cos(a);
      double vy = radius * StrictMath.sin(a);
      extent[0] = Math.min(extent[0], vx);
      extent[1] = Math.min(extent[1], vy);
      extent[2] = Math.max(extent[2], vx);
      extent[3] = Math.max(extent[3], vy);
    }
    return extent;
  }

  /**
   * Returns whether the image border cuts the shape, i.e. the shape reaches at least one pixel
   * beyond a {@code width x height} image.
   */
  boolean isCutBy(int width, int height) {
    double[] extent = extentFromCenter();
    return centerX + extent[0] <= -1
        || centerY + extent[1] <= -1
        || centerX + extent[2] >= width + 1
        || centerY + extent[3] >= height + 1;
  }

  /** Returns how many pixels of a {@code width x height} image the shape covers. */
  int countCovered(int width, int height) {
    int[] count = {0};
    forEachCovered(width, height, (x, y) -> count[0]++);
    return count[0];
  }

  /** Calls {@code visitor} for every pixel of a {@code width x height} image the shape covers. */
  void forEachCovered(int width, int height, PixelVisitor visitor) {
    double[] extent = extentFromCenter();
    // Pixel x is tested at x + 0.5, so these bounds include every candidate pixel.
    int x0 = Math.max(0, (int) Math.floor(centerX + extent[0] - 0.5));
    int y0 = Math.max(0, (int) Math.floor(centerY + extent[1] - 0.5));
    int x1 = Math.min(width - 1, (int) Math.ceil(centerX + extent[2]));
    int y1 = Math.min(height - 1, (int) Math.ceil(centerY + extent[3]));
    if (shape == SynthShape.DISC) {
      double r2 = radius * radius;
      for (int y = y0; y <= y1; y++) {
        double dy = y + 0.5 - centerY;
        for (int x = x0; x <= x1; x++) {
          double dx = x + 0.5 - centerX;
          if (dx * dx + dy * dy <= r2) {
            visitor.visit(x, y);
          }
        }
      }
      return;
    }
    // A regular polygon is the intersection of half-planes: a point is inside when its projection
    // on every outward edge normal is at most the apothem.
    int sides = sides();
    double apothem = radius * StrictMath.cos(Math.PI / sides);
    double[] nx = new double[sides];
    double[] ny = new double[sides];
    for (int k = 0; k < sides; k++) {
      double a = angle + Math.PI * (2 * k + 1) / sides;
      nx[k] = StrictMath.cos(a);
      ny[k] = StrictMath.sin(a);
    }
    for (int y = y0; y <= y1; y++) {
      double dy = y + 0.5 - centerY;
      for (int x = x0; x <= x1; x++) {
        double dx = x + 0.5 - centerX;
        boolean inside = true;
        for (int k = 0; k < sides && inside; k++) {
          inside = dx * nx[k] + dy * ny[k] <= apothem;
        }
        if (inside) {
          visitor.visit(x, y);
        }
      }
    }
  }

  private int sides() {
    return shape == SynthShape.SQUARE ? 4 : 3;
  }
}
