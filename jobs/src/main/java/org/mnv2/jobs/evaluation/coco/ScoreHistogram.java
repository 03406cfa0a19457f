package org.mnv2.jobs.evaluation.coco;

import java.io.Serializable;
import org.mnv2.eval.coco.CocoAreaRange;
import org.mnv2.eval.coco.CocoImageEvaluation;

/**
 * Detections binned by score (100 bins of 0.01 over 0..1) at IoU 0.5, area all, the 100 kept per
 * image and category, as COCOeval matched them: true positives (matched), false positives
 * (unmatched and not ignored), and the non-ignored ground truth. Precision, recall and F1 at a
 * score threshold are sums over the bins at or above it.
 */
public record ScoreHistogram(long[] truePositives, long[] falsePositives, long groundTruth)
    implements Serializable {
  public static final int BINS = 100;

  public ScoreHistogram {
    truePositives = truePositives.clone();
    falsePositives = falsePositives.clone();
  }

  static ScoreHistogram empty() {
    return new ScoreHistogram(new long[BINS], new long[BINS], 0);
  }

  /** The bins of one category's image records (only the area range "all" is read). */
  static ScoreHistogram of(Iterable<CocoImageEvaluation> evaluations) {
    long[] tp = new long[BINS];
    long[] fp = new long[BINS];
    long gt = 0;
    for (CocoImageEvaluation e : evaluations) {
      if (e.areaRange() != CocoAreaRange.ALL) {
        continue;
      }
      gt += e.nonIgnoredGroundTruthCount();
      double[] scores = e.dtScores();
      for (int d = 0; d < scores.length; d++) {
        if (e.matched(0, d)) {
          tp[bin(scores[d])]++;
        } else if (!e.ignored(0, d)) {
          fp[bin(scores[d])]++;
        }
      }
    }
    return new ScoreHistogram(tp, fp, gt);
  }

  static int bin(double score) {
    return (int) Math.max(0, Math.min(BINS - 1, Math.floor(score * BINS)));
  }

  ScoreHistogram plus(ScoreHistogram other) {
    long[] tp = truePositives.clone();
    long[] fp = falsePositives.clone();
    for (int i = 0; i < BINS; i++) {
      tp[i] += other.truePositives[i];
      fp[i] += other.falsePositives[i];
    }
    return new ScoreHistogram(tp, fp, groundTruth + other.groundTruth);
  }

  /** Threshold of bin i: scores at or above i / 100 count. */
  public static double threshold(int bin) {
    return bin / (double) BINS;
  }

  /** (precision, recall, F1) with scores at or above bin {@code bin}'s threshold. */
  public double[] at(int bin) {
    long tp = 0;
    long fp = 0;
    for (int i = bin; i < BINS; i++) {
      tp += truePositives[i];
      fp += falsePositives[i];
    }
    double precision = tp + fp == 0 ? 1 : tp / (double) (tp + fp);
    double recall = groundTruth == 0 ? 0 : tp / (double) groundTruth;
    double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
    return new double[] {precision, recall, f1};
  }

  /** The bin whose threshold gives the highest F1 (the lowest such threshold on ties). */
  public int bestF1Bin() {
    int best = 0;
    for (int i = 1; i < BINS; i++) {
      if (at(i)[2] > at(best)[2]) {
        best = i;
      }
    }
    return best;
  }
}
