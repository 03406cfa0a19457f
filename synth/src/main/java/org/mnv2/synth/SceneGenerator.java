package org.mnv2.synth;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Draws scene {@code index} of the set with seed {@code seed} (docs/SYNTH.md, "Scenes"). Every
 * random choice for an image comes from one stream seeded by {@code (seed, index)}, consumed in a
 * fixed order, so an image can be regenerated alone and the result does not depend on threads.
 */
final class SceneGenerator {

  static final int MIN_SIDE = 160;
  static final int MAX_SIDE = 400;
  static final int MAX_OBJECTS = 5;

  /** COCO's area ranges: small below 32^2, large from 96^2. */
  static final int COCO_SMALL_BELOW = 32 * 32;

  static final int COCO_LARGE_FROM = 96 * 96;

  // Object sizes, as target areas in pixels. The primary object is never small, so the
  // classification label is always clearly visible; secondaries span small to medium (and large
  // in large images), always at most half the primary's visible area (ratio 2.5 leaves room for
  // pixel rounding before the exact check).
  private static final double PRIMARY_MIN_AREA = 1200;
  private static final double PRIMARY_MAX_IMAGE_FRACTION = 0.3;
  private static final double SECONDARY_MIN_AREA = 100;
  private static final double SECONDARY_MAX_AREA_RATIO = 2.5;
  // A circumradius of at most this fraction of the shorter side fits the shape in the image.
  private static final double MAX_RADIUS_FRACTION = 0.45;

  // Border cuts: the share of objects placed anywhere (which may cut them) rather than inside,
  // and how much of a cut object must remain visible to be kept.
  private static final double PRIMARY_CUT_PROBABILITY = 0.15;
  private static final double SECONDARY_CUT_PROBABILITY = 0.3;
  private static final double PRIMARY_MIN_VISIBLE_FRACTION = 0.6;
  private static final double SECONDARY_MIN_VISIBLE_FRACTION = 0.4;
  private static final int SECONDARY_MIN_VISIBLE_PIXELS = 60;

  // Objects' circumcircles stay this many pixels apart, so objects never overlap or touch.
  private static final double GAP = 4;
  private static final int ATTEMPTS = 40;

  // Colour: per-object and per-pixel offsets of at most this much per channel, so an object stays
  // within +-12 of its class colour; backgrounds are grey +-15 per channel with +-5 noise.
  private static final int OBJECT_JITTER = 6;
  private static final int PIXEL_JITTER = 6;
  private static final int BACKGROUND_MIN_GREY = 70;
  private static final int BACKGROUND_MAX_GREY = 200;
  private static final int BACKGROUND_TINT = 15;
  private static final int BACKGROUND_NOISE = 5;

  private SceneGenerator() {}

  /** Returns scene {@code index} of the set generated from {@code seed}. */
  static Scene generate(long seed, int index) {
    SplittableRandom random = new SplittableRandom(streamSeed(seed, index));
    int width = MIN_SIDE + random.nextInt(MAX_SIDE - MIN_SIDE + 1);
    int height = MIN_SIDE + random.nextInt(MAX_SIDE - MIN_SIDE + 1);
    int[] rgb = new int[width * height];
    byte[] objectIds = new byte[width * height];
    paintBackground(rgb, width, height, random);

    Canvas canvas = new Canvas(width, height, rgb, objectIds);
    int wanted = 1 + random.nextInt(MAX_OBJECTS);
    List<SceneObject> objects = new ArrayList<>(wanted);
    objects.add(canvas.paint(placePrimary(width, height, random), 1, random));
    int primaryArea = objects.get(0).area();
    for (int k = 1; k < wanted; k++) {
      PlacedShape secondary = placeSecondary(width, height, primaryArea, objects, random);
      if (secondary != null) {
        objects.add(canvas.paint(secondary, objects.size() + 1, random));
      }
    }
    return new Scene(index, width, height, rgb, objectIds, objects);
  }

  /** Mixes (seed, index) into the seed of image {@code index}'s stream (SplitMix64 finaliser). */
  static long streamSeed(long seed, int index) {
    return mix64(mix64(seed) + 0x9E3779B97F4A7C15L * (index + 1L));
  }

  private static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  private record PlacedShape(SynthClass synthClass, ShapeGeometry geometry) {}

  private static PlacedShape placePrimary(int width, int height, SplittableRandom random) {
    SynthClass synthClass = SynthClass.of(random.nextInt(SynthClass.all().size()));
    double factor = ShapeGeometry.areaFactor(synthClass.shape());
    double maxRadius = MAX_RADIUS_FRACTION * Math.min(width, height);
    double maxArea =
        Math.min(PRIMARY_MAX_IMAGE_FRACTION * width * height, factor * maxRadius * maxRadius);
    double radius = StrictMath.sqrt(logUniform(PRIMARY_MIN_AREA, maxArea, random) / factor);
    double angle = random.nextDouble(2 * Math.PI);
    boolean cut = random.nextDouble() < PRIMARY_CUT_PROBABILITY;
    for (int attempt = 0; cut && attempt < ATTEMPTS; attempt++) {
      ShapeGeometry geometry = placeAnywhere(synthClass, radius, angle, width, height, random);
      if (geometry.countCovered(width, height)
          >= PRIMARY_MIN_VISIBLE_FRACTION * geometry.nominalArea()) {
        return new PlacedShape(synthClass, geometry);
      }
    }
    return new PlacedShape(
        synthClass, placeInside(synthClass, radius, angle, width, height, random));
  }

  /** Returns a secondary object that fits, or null when none did within the attempts. */
  private static PlacedShape placeSecondary(
      int width, int height, int primaryArea, List<SceneObject> placed, SplittableRandom random) {
    double maxArea = primaryArea / SECONDARY_MAX_AREA_RATIO;
    if (maxArea < SECONDARY_MIN_AREA) {
      return null;
    }
    double maxRadius = MAX_RADIUS_FRACTION * Math.min(width, height);
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      SynthClass synthClass = SynthClass.of(random.nextInt(SynthClass.all().size()));
      double factor = ShapeGeometry.areaFactor(synthClass.shape());
      double radius =
          Math.min(
              maxRadius, StrictMath.sqrt(logUniform(SECONDARY_MIN_AREA, maxArea, random) / factor));
      double angle = random.nextDouble(2 * Math.PI);
      ShapeGeometry geometry =
          random.nextDouble() < SECONDARY_CUT_PROBABILITY
              ? placeAnywhere(synthClass, radius, angle, width, height, random)
              : placeInside(synthClass, radius, angle, width, height, random);
      if (!isApartFromAll(geometry, placed)) {
        continue;
      }
      int visible = geometry.countCovered(width, height);
      if (visible >= SECONDARY_MIN_VISIBLE_PIXELS
          && visible >= SECONDARY_MIN_VISIBLE_FRACTION * geometry.nominalArea()
          && 2L * visible <= primaryArea) {
        return new PlacedShape(synthClass, geometry);
      }
    }
    return null;
  }

  private static boolean isApartFromAll(ShapeGeometry geometry, List<SceneObject> placed) {
    for (SceneObject other : placed) {
      if (!geometry.isApartFrom(other.geometry(), GAP)) {
        return false;
      }
    }
    return true;
  }

  /** Centres the shape anywhere in the image, so it may be cut by the border. */
  private static ShapeGeometry placeAnywhere(
      SynthClass synthClass,
      double radius,
      double angle,
      int width,
      int height,
      SplittableRandom random) {
    return new ShapeGeometry(
        synthClass.shape(), random.nextDouble(width), random.nextDouble(height), radius, angle);
  }

  /** Centres the shape so that all of it is inside the image. */
  private static ShapeGeometry placeInside(
      SynthClass synthClass,
      double radius,
      double angle,
      int width,
      int height,
      SplittableRandom random) {
    double[] extent = new ShapeGeometry(synthClass.shape(), 0, 0, radius, angle).extentFromCenter();
    // The radius cap keeps both ranges non-empty: the extent is at most 2 * 0.45 of the image.
    double centerX = -extent[0] + random.nextDouble() * (width - extent[2] + extent[0]);
    double centerY = -extent[1] + random.nextDouble() * (height - extent[3] + extent[1]);
    return new ShapeGeometry(synthClass.shape(), centerX, centerY, radius, angle);
  }

  private static double logUniform(double low, double high, SplittableRandom random) {
    if (high <= low) {
      return low;
    }
    return StrictMath.exp(
        StrictMath.log(low) + random.nextDouble() * (StrictMath.log(high) - StrictMath.log(low)));
  }

  /** A smooth gradient between two muted colours in a random direction, plus mild noise. */
  private static void paintBackground(int[] rgb, int width, int height, SplittableRandom random) {
    int[] from = mutedColour(random);
    int[] to = mutedColour(random);
    double direction = random.nextDouble(2 * Math.PI);
    double cos = StrictMath.cos(direction);
    double sin = StrictMath.sin(direction);
    // Projecting the image on the direction gives positions in [-span / 2, span / 2]; the
    // gradient position t in [0, 1] is then linear in x along a row: t = rowStart + x * step.
    double span = Math.abs(width * cos) + Math.abs(height * sin);
    double step = cos / span;
    double[] colourStep = new double[3];
    for (int c = 0; c < 3; c++) {
      colourStep[c] = (to[c] - from[c]) * step;
    }
    for (int y = 0; y < height; y++) {
      double rowStart = ((0.5 - width / 2.0) * cos + (y + 0.5 - height / 2.0) * sin) / span + 0.5;
      // Channels stay within [55, 215] before noise, so adding 0.5 and truncating rounds.
      double r = from[0] + (to[0] - from[0]) * rowStart + 0.5;
      double g = from[1] + (to[1] - from[1]) * rowStart + 0.5;
      double b = from[2] + (to[2] - from[2]) * rowStart + 0.5;
      int row = y * width;
      for (int x = 0; x < width; x++) {
        long noise = random.nextLong();
        rgb[row + x] =
            pack(
                (int) (r + x * colourStep[0]) + jitter(noise, 0, BACKGROUND_NOISE),
                (int) (g + x * colourStep[1]) + jitter(noise, 1, BACKGROUND_NOISE),
                (int) (b + x * colourStep[2]) + jitter(noise, 2, BACKGROUND_NOISE));
      }
    }
  }

  private static int[] mutedColour(SplittableRandom random) {
    int grey = BACKGROUND_MIN_GREY + random.nextInt(BACKGROUND_MAX_GREY - BACKGROUND_MIN_GREY + 1);
    int[] colour = new int[3];
    for (int c = 0; c < 3; c++) {
      colour[c] = grey + random.nextInt(2 * BACKGROUND_TINT + 1) - BACKGROUND_TINT;
    }
    return colour;
  }

  /**
   * Returns a uniform integer in {@code [-amplitude, amplitude]} from 16 bits of {@code bits}, so
   * one {@code nextLong()} serves the three channels of a pixel.
   */
  static int jitter(long bits, int channel, int amplitude) {
    long chunk = (bits >>> (16 * channel)) & 0xFFFF;
    return (int) ((chunk * (2 * amplitude + 1)) >>> 16) - amplitude;
  }

  static int pack(int r, int g, int b) {
    return (clamp(r) << 16) | (clamp(g) << 8) | clamp(b);
  }

  private static int clamp(int v) {
    return Math.max(0, Math.min(255, v));
  }

  /** Paints objects and records, for each, the box and count of the pixels it covers. */
  private static final class Canvas {
    private final int width;
    private final int height;
    private final int[] rgb;
    private final byte[] objectIds;

    Canvas(int width, int height, int[] rgb, byte[] objectIds) {
      this.width = width;
      this.height = height;
      this.rgb = rgb;
      this.objectIds = objectIds;
    }

    SceneObject paint(PlacedShape shape, int objectId, SplittableRandom random) {
      SynthClass synthClass = shape.synthClass();
      int r = synthClass.red() + random.nextInt(2 * OBJECT_JITTER + 1) - OBJECT_JITTER;
      int g = synthClass.green() + random.nextInt(2 * OBJECT_JITTER + 1) - OBJECT_JITTER;
      int b = synthClass.blue() + random.nextInt(2 * OBJECT_JITTER + 1) - OBJECT_JITTER;
      int[] bounds = {Integer.MAX_VALUE, Integer.MAX_VALUE, -1, -1, 0};
      shape
          .geometry()
          .forEachCovered(
              width,
              height,
              (x, y) -> {
                int i = y * width + x;
                long noise = random.nextLong();
                rgb[i] =
                    pack(
                        r + jitter(noise, 0, PIXEL_JITTER),
                        g + jitter(noise, 1, PIXEL_JITTER),
                        b + jitter(noise, 2, PIXEL_JITTER));
                objectIds[i] = (byte) objectId;
                bounds[0] = Math.min(bounds[0], x);
                bounds[1] = Math.min(bounds[1], y);
                bounds[2] = Math.max(bounds[2], x);
                bounds[3] = Math.max(bounds[3], y);
                bounds[4]++;
              });
      PixelBox box =
          new PixelBox(bounds[0], bounds[1], bounds[2] - bounds[0] + 1, bounds[3] - bounds[1] + 1);
      return new SceneObject(synthClass, shape.geometry(), box, bounds[4]);
    }
  }
}
