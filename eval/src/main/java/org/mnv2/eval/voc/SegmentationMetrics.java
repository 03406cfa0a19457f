package org.mnv2.eval.voc;

import java.io.Serializable;
import java.util.List;

/**
 * VOC segmentation metrics of one confusion matrix (docs/OUTPUTS.md, metric conventions). A metric
 * with nothing to average is null.
 *
 * @param images images accumulated
 * @param meanIoU mean IoU over the classes present in ground truth or prediction
 * @param pixelAccuracy correct / evaluated pixels (ground truth 255 not evaluated)
 * @param meanClassAccuracy mean per-class accuracy over the classes present in the ground truth
 * @param perClass one entry per class index, in index order
 */
public record SegmentationMetrics(
    long images,
    Double meanIoU,
    Double pixelAccuracy,
    Double meanClassAccuracy,
    List<ClassMetrics> perClass)
    implements Serializable {

  public SegmentationMetrics {
    if (images < 0) {
      throw new IllegalArgumentException(
          "Cannot create segmentation metrics: negative image count (expected >= 0, got "
              + images
              + ")");
    }
    perClass = List.copyOf(perClass);
  }

  /**
   * One class's figures.
   *
   * @param iou TP / (TP + FP + FN), null when the class is in neither ground truth nor prediction
   * @param accuracy TP / ground-truth pixels, null when the ground truth has none
   * @param truthPixels evaluated pixels of this class in the ground truth (TP + FN)
   * @param predictedPixels evaluated pixels predicted as this class (TP + FP)
   * @param truePositives pixels of this class in both
   */
  public record ClassMetrics(
      int classIndex,
      String name,
      Double iou,
      Double accuracy,
      long truthPixels,
      long predictedPixels,
      long truePositives)
      implements Serializable {}
}
