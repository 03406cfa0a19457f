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
 * <p>Detections are in matching order (descending score, ties in input order), at most 100. {@code
 * T = 10} IoU thresholds index the first dimension of the two matrices.
 *
 * @param dtScores score of each kept detection
 * @param dtMatched {@code [T][D]}: detection matched a ground truth at that threshold (pycocotools:
 *     {@code dtMatches != 0})
 * @param dtIgnored {@code [T][D]}: detection matched an ignored ground truth (crowd or outside the
 *     area range), or matched nothing and is itself outside the area range
 * @param gtIgnored per ground truth, in pycocotools' order (non-ignored first): crowd or outside
 *     the area range
 */
public record CocoImageEvaluation(
    long imageId,
    int categoryId,
    CocoAreaRange areaRange,
    double[] dtScores,
    boolean[][] dtMatched,
    boolean[][] dtIgnored,
    boolean[] gtIgnored)
    implements Serializable {

  public CocoImageEvaluation {
    Objects.requireNonNull(areaRange, "areaRange");
    dtScores = dtScores.clone();
    dtMatched = copyMatrix("dtMatched", dtMatched, dtScores.length);
    dtIgnored = copyMatrix("dtIgnored", dtIgnored, dtScores.length);
    gtIgnored = gtIgnored.clone();
    if (dtScores.length > CocoParams.MAX_DETS_PER_IMAGE) {
      throw new IllegalArgumentException(
          "Cannot create image evaluation for image "
              + imageId
              + ": too many detections (expected at most "
              + CocoParams.MAX_DETS_PER_IMAGE
              + ", got "
              + dtScores.length
              + ")");
    }
  }

  private static boolean[][] copyMatrix(String name, boolean[][] matrix, int detections) {
    if (matrix.length != CocoParams.T) {
      throw new IllegalArgumentException(
          "Cannot create image evaluation: "
              + name
              + " has the wrong number of IoU thresholds (expected "
              + CocoParams.T
              + ", got "
              + matrix.length
              + ")");
    }
    boolean[][] copy = new boolean[matrix.length][];
    for (int t = 0; t < matrix.length; t++) {
      if (matrix[t].length != detections) {
        throw new IllegalArgumentException(
            "Cannot create image evaluation: "
                + name
                + "["
                + t
                + "] does not match dtScores (expected "
                + detections
                + " detections, got "
                + matrix[t].length
                + ")");
      }
      copy[t] = matrix[t].clone();
    }
    return copy;
  }

  @Override
  public double[] dtScores() {
    return dtScores.clone();
  }

  @Override
  public boolean[][] dtMatched() {
    return deepCopy(dtMatched);
  }

  @Override
  public boolean[][] dtIgnored() {
    return deepCopy(dtIgnored);
  }

  @Override
  public boolean[] gtIgnored() {
    return gtIgnored.clone();
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

  // Allocation-free reads for accumulation.

  double score(int detection) {
    return dtScores[detection];
  }

  boolean matched(int threshold, int detection) {
    return dtMatched[threshold][detection];
  }

  boolean ignored(int threshold, int detection) {
    return dtIgnored[threshold][detection];
  }

  private static boolean[][] deepCopy(boolean[][] matrix) {
    boolean[][] copy = new boolean[matrix.length][];
    for (int i = 0; i < matrix.length; i++) {
      copy[i] = matrix[i].clone();
    }
    return copy;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof CocoImageEvaluation that
        && imageId == that.imageId
        && categoryId == that.categoryId
        && areaRange == that.areaRange
        && Arrays.equals(dtScores, that.dtScores)
        && Arrays.deepEquals(dtMatched, that.dtMatched)
        && Arrays.deepEquals(dtIgnored, that.dtIgnored)
        && Arrays.equals(gtIgnored, that.gtIgnored);
  }

  @Override
  public int hashCode() {
    int hash = Objects.hash(imageId, categoryId, areaRange);
    hash = 31 * hash + Arrays.hashCode(dtScores);
    hash = 31 * hash + Arrays.deepHashCode(dtMatched);
    hash = 31 * hash + Arrays.deepHashCode(dtIgnored);
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
        + Arrays.deepToString(dtMatched)
        + ", dtIgnored="
        + Arrays.deepToString(dtIgnored)
        + ", gtIgnored="
        + Arrays.toString(gtIgnored)
        + "]";
  }
}
