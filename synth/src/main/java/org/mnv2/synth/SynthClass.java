package org.mnv2.synth;

import java.util.List;

/**
 * One of the six foreground classes of the synthetic world (docs/SYNTH.md). Pairs of classes differ
 * only by an RGB/BGR swap of their colour, so a channel-order mistake anywhere in a pipeline shows
 * up as a wrong class.
 *
 * @param index the classification index, 0..5 (the line number in {@code classes.txt})
 * @param name the class name, e.g. {@code red_disc}
 * @param shape the outline drawn for the class
 * @param rgb the fill colour as {@code 0xRRGGBB}, before per-pixel jitter
 * @param cocoCategoryId the (non-contiguous) COCO {@code category_id} in {@code instances.json}
 * @param vocIndex the label in the VOC segmentation masks, 1..6 (0 is background)
 */
public record SynthClass(
    int index, String name, SynthShape shape, int rgb, int cocoCategoryId, int vocIndex) {

  private static final List<SynthClass> ALL =
      List.of(
          new SynthClass(0, "red_disc", SynthShape.DISC, 0xE62828, 2, 1),
          new SynthClass(1, "blue_disc", SynthShape.DISC, 0x2828E6, 5, 2),
          new SynthClass(2, "red_square", SynthShape.SQUARE, 0xE62828, 11, 3),
          new SynthClass(3, "blue_square", SynthShape.SQUARE, 0x2828E6, 13, 4),
          new SynthClass(4, "yellow_triangle", SynthShape.TRIANGLE, 0xE6D21E, 37, 5),
          new SynthClass(5, "cyan_triangle", SynthShape.TRIANGLE, 0x1ED2E6, 90, 6));

  /** Validates the fields. */
  public SynthClass {
    if (index < 0) {
      throw new IllegalArgumentException(
          "Cannot create synthetic class: negative index (expected >= 0, got " + index + ")");
    }
    if (name == null || name.isBlank() || shape == null) {
      throw new IllegalArgumentException(
          "Cannot create synthetic class "
              + index
              + ": missing name or shape (expected both, got name="
              + name
              + ", shape="
              + shape
              + ")");
    }
    if ((rgb & ~0xFFFFFF) != 0) {
      throw new IllegalArgumentException(
          "Cannot create synthetic class "
              + name
              + ": colour out of range (expected 0xRRGGBB, got 0x"
              + Integer.toHexString(rgb)
              + ")");
    }
    if (cocoCategoryId < 1 || vocIndex < 1 || vocIndex > 254) {
      throw new IllegalArgumentException(
          "Cannot create synthetic class "
              + name
              + ": label out of range (expected cocoCategoryId >= 1 and vocIndex 1..254, got "
              + cocoCategoryId
              + " and "
              + vocIndex
              + ")");
    }
  }

  /** Returns the six classes in index order. */
  public static List<SynthClass> all() {
    return ALL;
  }

  /** Returns the class names in index order (the lines of {@code classes.txt}). */
  public static List<String> names() {
    return ALL.stream().map(SynthClass::name).toList();
  }

  /**
   * Returns the class with a classification index.
   *
   * @param index 0..5
   */
  public static SynthClass of(int index) {
    if (index < 0 || index >= ALL.size()) {
      throw new IllegalArgumentException(
          "Cannot look up synthetic class: index out of range (expected 0.."
              + (ALL.size() - 1)
              + ", got "
              + index
              + ")");
    }
    return ALL.get(index);
  }

  /** Returns the red channel of {@link #rgb()}, 0..255. */
  public int red() {
    return (rgb >> 16) & 0xFF;
  }

  /** Returns the green channel of {@link #rgb()}, 0..255. */
  public int green() {
    return (rgb >> 8) & 0xFF;
  }

  /** Returns the blue channel of {@link #rgb()}, 0..255. */
  public int blue() {
    return rgb & 0xFF;
  }
}
