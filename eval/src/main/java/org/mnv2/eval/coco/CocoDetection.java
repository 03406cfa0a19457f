package org.mnv2.eval.coco;

import java.io.Serializable;
import java.util.Objects;

/**
 * One entry of a COCO results file for bbox evaluation: {@code {"image_id", "category_id", "bbox":
 * [x, y, w, h], "score"}}.
 *
 * <p>Its area is {@code bbox.width * bbox.height} and its id is its 1-based position in the results
 * list, as pycocotools' {@code loadRes} assigns them. That position also breaks ties in score: keep
 * detections in results-file order wherever they are grouped.
 */
public record CocoDetection(long imageId, int categoryId, XywhBox bbox, double score)
    implements Serializable {

  public CocoDetection {
    Objects.requireNonNull(bbox, "bbox");
    if (!Double.isFinite(score)) {
      throw new CocoFormatException(
          "Cannot create detection for image "
              + imageId
              + ": score is not finite (expected a number, got "
              + score
              + ")");
    }
  }

  /** {@code w * h}, the area pycocotools' {@code loadRes} gives a bbox result. */
  public double area() {
    return bbox.area();
  }
}
