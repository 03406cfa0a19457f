package org.mnv2.model.postprocess;

import java.io.Serializable;

/**
 * One detected object: the model's class index, its COCO category id and label, its score, and its
 * box in the COCO results convention: top-left corner {@code (x, y)}, {@code width} and {@code
 * height}, in original image pixels, continuous coordinates (no "+1 pixel").
 */
public record Detection(
    int classIndex,
    int categoryId,
    String label,
    float score,
    float x,
    float y,
    float width,
    float height)
    implements Serializable {

  public Detection {
    if (!(Float.isFinite(score)
        && Float.isFinite(x)
        && Float.isFinite(y)
        && Float.isFinite(width)
        && Float.isFinite(height))) {
      throw new IllegalArgumentException(
          "Cannot create detection of class "
              + classIndex
              + ": a value is not finite (expected finite score and box, got score "
              + score
              + ", box "
              + describe(x, y, width, height)
              + ")");
    }
    if (width < 0 || height < 0) {
      throw new IllegalArgumentException(
          "Cannot create detection of class "
              + classIndex
              + ": negative box size (expected width, height >= 0, got "
              + describe(x, y, width, height)
              + ")");
    }
  }

  /** The box as COCO's {@code [x, y, width, height]}. */
  public float[] bbox() {
    return new float[] {x, y, width, height};
  }

  private static String describe(float x, float y, float width, float height) {
    return "[" + x + ", " + y + ", " + width + ", " + height + "]";
  }
}
