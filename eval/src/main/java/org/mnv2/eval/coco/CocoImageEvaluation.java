package org.mnv2.eval.coco;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;

/**
 * The result of matching one image's detections of one category against its ground truth in one
 * area range: one element of pycocotools' {@code evalImgs}, reduced to what accumulation reads.
 * Small and serialisable, so that the per-image step can run on Spark executors and the records be
 * shuffled to one task per category.
 *
 * <p>Detections are in matching order (descending score, ties in input order), at most 100. The
 * per-threshold flags are bit masks, one {@code int} per detection: bit {@code t} stands for IoU
 * threshold {@code t} of 0.50, 0.55, ..., 0.95 ({@link #matched(int, int)} and {@link #ignored(int,
 * int)} read them).
 *
 * @param dtScores score of each kept detection
 * @param dtMatched per detection, bit t: matched a ground truth at threshold t (pycocotools: {@code
 *     dtMatches[t, d] != 0})
 * @param dtIgnored per detection, bit t: at threshold t the detection matched an ignored ground
 *     truth (crowd or outside the area range), or matched nothing and is itself outside the area
 *     range (pycocotools: {@code dtIgnore[t, d]})
 * @param gtIgnored per ground truth, in pycocotools' order (non-ignored first): crowd or outside
 *     the area range
 */
public record CocoImageEvaluation(
    long imageId,
    int categoryId,
    CocoAreaRange areaRange,
    double[] dtScores,
    int[] dtMatched,
    int[] dtIgnored,
    boolean[] gtIgnored)
    implements Serializable {

  private static final int THRESHOLD_BITS = (1 << CocoParams.T) - 1;

  public CocoImageEvaluation {
    Objects.requireNonNull(areaRange, "areaRange");
    dtScores = dtScores.clone();
    dtMatched = dtMatched.clone();
    dtIgnored = dtIgnored.clone();
    gtIgnored = gtIgnored.clone();
    String what = "Cannot create evaluation of image " + imageId + ", category " + categoryId;
    if (dtScores.length > CocoParams.MAX_DETS_PER_IMAGE) {
      throw new IllegalArgumentException(
          what
              + ": too many detections (expected at most "
              + CocoParams.MAX_DETS_PER_IMAGE
              + ", got "
              + dtScores.length
              + ")");
    }
    if (dtMatched.length != dtScores.length || dtIgnored.length != dtScores.length) {
      throw new IllegalArgumentException(
          what
              + ": flags do not match the scores (expected "
              + dtScores.length
              + " detections, got "
              + dtMatched.length
              + " matched and "
              + dtIgnored.length
              + " ignored)");
    }
    for (int d = 0; d < dtScores.length; d++) {
      if (((dtMatched[d] | dtIgnored[d]) & ~THRESHOLD_BITS) != 0) {
        throw new IllegalArgumentException(
            what
                + ": detection "
                + d
                + " has flags beyond the IoU thresholds (expected bits 0.."
                + (CocoParams.T - 1)
                + ", got matched "
                + Integer.toBinaryString(dtMatched[d])
                + ", ignored "
                + Integer.toBinaryString(dtIgnored[d])
                + ")");
      }
    }
  }

  @Override
  public double[] dtScores() {
    return dtScores.clone();
  }

  @Override
  public int[] dtMatched() {
    return dtMatched.clone();
  }

  @Override
  public int[] dtIgnored() {
    return dtIgnored.clone();
  }

  @Override
  public boolean[] gtIgnored() {
    return gtIgnored.clone();
  }

  /** Whether detection {@code detection} matched a ground truth at IoU threshold index t. */
  public boolean matched(int threshold, int detection) {
    return (dtMatched[detection] & (1 << threshold)) != 0;
  }

  /** Whether detection {@code detection} is ignored at IoU threshold index t. */
  public boolean ignored(int threshold, int detection) {
    return (dtIgnored[detection] & (1 << threshold)) != 0;
  }

  /** Number of kept detections, D. */
  public int detectionCount() {
    return dtScores.length;
  }

  /** Number of ground-truth objects of this image and category, G, ignored ones included. */
  public int groundTruthCount() {
    return gtIgnored.length;
  }

  /** Ground truth that counts towards recall: neither crowd nor outside the area range. */
  public int nonIgnoredGroundTruthCount() {
    int count = 0;
    for (boolean ignored : gtIgnored) {
      if (!ignored) {
        count++;
      }
    }
    return count;
  }

  // Copy-free reads for accumulation.

  double score(int detection) {
    return dtScores[detection];
  }

  int matchedMask(int detection) {
    return dtMatched[detection];
  }

  int ignoredMask(int detection) {
    return dtIgnored[detection];
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof CocoImageEvaluation that
        && imageId == that.imageId
        && categoryId == that.categoryId
        && areaRange == that.areaRange
        && Arrays.equals(dtScores, that.dtScores)
        && Arrays.equals(dtMatched, that.dtMatched)
        && Arrays.equals(dtIgnored, that.dtIgnored)
        && Arrays.equals(gtIgnored, that.gtIgnored);
  }

  @Override
  public int hashCode() {
    int hash = Objects.hash(imageId, categoryId, areaRange);
    hash = 31 * hash + Arrays.hashCode(dtScores);
    hash = 31 * hash + Arrays.hashCode(dtMatched);
    hash = 31 * hash + Arrays.hashCode(dtIgnored);
    return 31 * hash + Arrays.hashCode(gtIgnored);
  }

  @Override
  public String toString() {
    return "CocoImageEvaluation[imageId="
        + imageId
        + ", categoryId="
        + categoryId
        + ", areaRange="
        + areaRange
        + ", dtScores="
        + Arrays.toString(dtScores)
        + ", dtMatched="
        + Arrays.toString(dtMatched)
        + ", dtIgnored="
        + Arrays.toString(dtIgnored)
        + ", gtIgnored="
        + Arrays.toString(gtIgnored)
        + "]";
  }
}
