package org.mnv2.eval.coco;

import java.io.Serializable;
import java.util.List;

/**
 * The outcome of a whole COCO bbox evaluation: what metrics.json reports.
 *
 * @param images number of images in the ground truth (pycocotools' {@code imgIds})
 * @param perCategory every ground-truth category, by ascending id
 */
public record CocoEvaluation(int images, CocoStats stats, List<CocoCategoryAp> perCategory)
    implements Serializable {

  public CocoEvaluation {
    perCategory = List.copyOf(perCategory);
  }
}
