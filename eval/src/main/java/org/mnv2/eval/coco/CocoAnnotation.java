package org.mnv2.eval.coco;

import java.io.Serializable;
import java.util.Objects;

/**
 * A ground-truth object from an instances file, reduced to what bbox evaluation reads.
 *
 * @param id the annotation id. As in pycocotools, a detection matched to an annotation whose id is
 *     0 counts as unmatched (pycocotools stores the matched id and tests it against 0); COCO's own
 *     files start at 1.
 * @param area the annotation's {@code area} field (the segmentation area in COCO's files, not the
 *     box area): it alone decides the small / medium / large range, as in pycocotools
 * @param crowd {@code iscrowd}: a crowd region absorbs any number of detections, which are then
 *     ignored, and its IoU with a detection is intersection / detection area
 */
public record CocoAnnotation(
    long id, long imageId, int categoryId, XywhBox bbox, double area, boolean crowd)
    implements Serializable {

  public CocoAnnotation {
    Objects.requireNonNull(bbox, "bbox");
    if (!Double.isFinite(area)) {
      throw new CocoFormatException(
          "Cannot create annotation "
              + id
              + ": area is not finite (expected a number, got "
              + area
              + ")");
    }
  }
}
