package org.mnv2.eval.coco;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/**
 * Hand-computed cases, each pinning one pycocotools convention. The expected numbers are derived in
 * the comments; every one was also confirmed against pycocotools 2.0.11.
 *
 * <p>Reading the derivations: with D ranked detections, tp/fp are running counts over the
 * non-ignored ones, recall = tp / (non-ignored gt), precision = tp / (tp + fp + eps) with eps =
 * 2.2e-16 (so a "1" is 0.9999999999999998), made non-increasing from the right, then read at recall
 * points 0, 0.01, ..., 1 (0 past the last recall reached). AP for one threshold is the mean of
 * those 101 values; the stat averages thresholds (10: 0.50..0.95) and categories.
 */
class CocoConventionsTest {
  private static final Offset<Double> HAND = within(1e-12);

  @Test
  void perfectMatchGivesOneAndEmptyAreaRangesGiveMinusOne() {
    // One 10x10 object (area 100: small), found exactly. Every threshold: rank [TP], precision 1,
    // recall 1. Medium and large have no ground truth at all: nothing to average -> -1.
    CocoStats stats =
        new CocoCases().gt(1, 1, 0, 0, 10, 10).dt(1, 1, 0, 0, 10, 10, 0.9).evaluate().stats();

    assertThat(stats.toArray())
        .containsExactly(new double[] {1, 1, 1, 1, -1, -1, 1, 1, 1, 1, -1, -1}, HAND);
  }

  @Test
  void crowdAbsorbsDetectionsAndItsIouIsIntersectionOverDetectionArea() {
    // Image 1, category 1: crowd C = [0,0,100,100] (area 10000), object G = [200,200,10,10] (100).
    // d2 = [10,10,20,20] s.9 and d3 = [50,50,20,20] s.8 lie inside C: IoU vs crowd = 400/400 = 1
    //   (the plain IoU would be 400/10000 = 0.04). Both match C: a crowd can be matched again.
    // d4 = [70,70,40,40] s.7: intersection 30x30 = 900, its area 1600 -> IoU vs crowd 0.5625, so it
    //   matches C at thresholds .50 and .55 only (plain IoU 900/10700 = 0.084 would never match).
    // d1 = [200,200,10,10] s.6 matches G.
    // Detections matched to the crowd are ignored. One non-ignored gt (C is ignored).
    //   t = .50, .55: ranks [ign, ign, ign, TP] -> precision 1 at recall 1 -> AP_t = 1
    //   t >= .60:     ranks [ign, ign, FP, TP] -> tp/(tp+fp) = 1/2 everywhere -> AP_t = 0.5
    //   AP = (2 * 1 + 8 * 0.5) / 10 = 0.6; AP50 = 1; AP75 = 0.5.
    // AR1: only the best detection per image and category counts: d2, ignored -> recall 0.
    // AR10 = AR100 = 1.
    // Small (G is 100): d4 (1600, not small) is ignored when unmatched too -> every t is
    //   [ign, ign, ign, TP] -> APs = 1. Medium and large: G out of range, C ignored -> -1.
    CocoStats stats =
        new CocoCases()
            .crowd(1, 1, 0, 0, 100, 100)
            .gt(1, 1, 200, 200, 10, 10)
            .dt(1, 1, 10, 10, 20, 20, 0.9)
            .dt(1, 1, 50, 50, 20, 20, 0.8)
            .dt(1, 1, 70, 70, 40, 40, 0.7)
            .dt(1, 1, 200, 200, 10, 10, 0.6)
            .evaluate()
            .stats();

    assertThat(stats.toArray())
        .containsExactly(new double[] {0.6, 1, 0.5, 1, -1, -1, 0, 1, 1, 1, -1, -1}, HAND);
  }

  @Test
  void areaRangesIncludeBothEndsAndUseTheAreaField() {
    // A: box 40x40 (1600) but area field exactly 32^2 = 1024; B: box 50x50 (2500) but area field
    // exactly 96^2 = 9216. Each found exactly (dA s.9, dB s.8).
    // small [0, 1024]: A in (inclusive end), B ignored; dB matches B -> ignored. AP 1, AR 1.
    // medium [1024, 9216]: both in (inclusive at both ends) -> 2 TPs. AP 1, AR 1.
    // large [9216, 1e10]: A ignored, dA matches it -> ignored; B in. AP 1, AR 1.
    // Exclusive ends would give -1 for small (or large); binning by box area would put both in
    // medium and give -1 for small and large.
    CocoStats stats =
        new CocoCases()
            .gt(1, 1, 0, 0, 40, 40, 32 * 32, false)
            .gt(1, 1, 100, 100, 50, 50, 96 * 96, false)
            .dt(1, 1, 0, 0, 40, 40, 0.9)
            .dt(1, 1, 100, 100, 50, 50, 0.8)
            .evaluate()
            .stats();

    assertThat(stats.toArray())
        .containsExactly(new double[] {1, 1, 1, 1, 1, 1, 0.5, 1, 1, 1, 1, 1}, HAND);
    // AR1 = 0.5: one detection per image and category, two objects -> recall 1/2.
  }

  @Test
  void maxDetsCountPerImageAndCategory() {
    // Image 1: one 10x10 object of category 1 and one of category 2, both at [0,0,10,10].
    // Category 1: exact detection s.5. Category 2: a miss [50,50,10,10] s.9, then exact s.4.
    // AR1 keeps the best detection per image AND category: category 1 keeps its TP (recall 1),
    //   category 2 keeps its miss (recall 0) -> AR1 = (1 + 0) / 2 = 0.5. Per image only, the
    //   miss s.9 would be the one kept and AR1 would be 0.
    // AP: category 1 = 1; category 2 ranks [FP, TP] -> precision 1/2 at recall 1 -> 0.5.
    //   AP = (1 + 0.5) / 2 = 0.75.
    CocoStats stats =
        new CocoCases()
            .gt(1, 1, 0, 0, 10, 10)
            .gt(1, 2, 0, 0, 10, 10)
            .dt(1, 1, 0, 0, 10, 10, 0.5)
            .dt(1, 2, 50, 50, 10, 10, 0.9)
            .dt(1, 2, 0, 0, 10, 10, 0.4)
            .evaluate()
            .stats();

    assertThat(stats.ap()).isCloseTo(0.75, HAND);
    assertThat(stats.ar1()).isCloseTo(0.5, HAND);
    assertThat(stats.ar10()).isCloseTo(1, HAND);
  }

  @Test
  void onlyTheHundredBestDetectionsPerImageAndCategoryAreKept() {
    // One object; 100 misses at s.9 then the exact detection at s.1: the exact one is the 101st and
    // is dropped -> AP 0, AR100 0. With 99 misses it is kept, ranked 100th: precision 1/100 at
    // recall 1 -> AP 0.01 at every threshold, AR100 = 1.
    CocoCases dropped = new CocoCases().gt(1, 1, 0, 0, 10, 10);
    CocoCases kept = new CocoCases().gt(1, 1, 0, 0, 10, 10);
    for (int i = 0; i < 100; i++) {
      dropped.dt(1, 1, 1000 + 20 * i, 0, 10, 10, 0.9);
      if (i < 99) {
        kept.dt(1, 1, 1000 + 20 * i, 0, 10, 10, 0.9);
      }
    }
    dropped.dt(1, 1, 0, 0, 10, 10, 0.1);
    kept.dt(1, 1, 0, 0, 10, 10, 0.1);

    CocoStats droppedStats = dropped.evaluate().stats();
    CocoStats keptStats = kept.evaluate().stats();

    assertThat(droppedStats.ap()).isEqualTo(0);
    assertThat(droppedStats.ar100()).isEqualTo(0);
    assertThat(keptStats.ap()).isCloseTo(0.01, HAND);
    assertThat(keptStats.ar100()).isCloseTo(1, HAND);
  }

  @Test
  void tiesInScoreKeepResultsOrderWithinAnImage() {
    // One object; two detections with the same score 0.5, a miss and an exact one.
    // Miss listed first -> ranks [FP, TP] -> AP 0.5. Exact listed first -> [TP, FP] -> AP 1.
    CocoStats missFirst =
        new CocoCases()
            .gt(1, 1, 0, 0, 10, 10)
            .dt(1, 1, 50, 50, 10, 10, 0.5)
            .dt(1, 1, 0, 0, 10, 10, 0.5)
            .evaluate()
            .stats();
    CocoStats exactFirst =
        new CocoCases()
            .gt(1, 1, 0, 0, 10, 10)
            .dt(1, 1, 0, 0, 10, 10, 0.5)
            .dt(1, 1, 50, 50, 10, 10, 0.5)
            .evaluate()
            .stats();

    assertThat(missFirst.ap()).isCloseTo(0.5, HAND);
    assertThat(exactFirst.ap()).isCloseTo(1, HAND);
  }

  @Test
  void tiesInScoreAcrossImagesFollowAscendingImageId() {
    // Image 7 has the object and its exact detection (s.5, listed first); image 3 has no object
    // and a miss with the same score. Accumulation visits images by ascending id (3 before 7), so
    // the ranks are [FP, TP] -> AP 0.5, whatever the results order.
    CocoStats stats =
        new CocoCases()
            .gt(7, 1, 0, 0, 10, 10)
            .dt(7, 1, 0, 0, 10, 10, 0.5)
            .dt(3, 1, 0, 0, 10, 10, 0.5)
            .evaluate()
            .stats();

    assertThat(stats.ap()).isCloseTo(0.5, HAND);
  }

  @Test
  void categoriesWithoutGroundTruthAreLeftOutOfEveryMean() {
    // Category 1: one object found exactly -> AP 1. Category 2: no ground truth, one detection.
    // Category 3: only a crowd region (no non-crowd ground truth) and one detection on it.
    // Category 4: listed, nothing at all. Only category 1 enters the means: AP 1, not 1/4.
    CocoEvaluation evaluation =
        new CocoCases()
            .gt(1, 1, 0, 0, 10, 10)
            .dt(1, 1, 0, 0, 10, 10, 0.9)
            .dt(1, 2, 0, 0, 10, 10, 0.9)
            .crowd(1, 3, 0, 0, 50, 50)
            .dt(1, 3, 0, 0, 10, 10, 0.9)
            .category(4)
            .evaluate();

    assertThat(evaluation.stats().ap()).isCloseTo(1, HAND);
    assertThat(evaluation.stats().ar100()).isCloseTo(1, HAND);
    assertThat(evaluation.perCategory())
        .extracting(CocoCategoryAp::categoryId)
        .containsExactly(1, 2, 3, 4);
    assertThat(evaluation.perCategory().get(0).ap()).isCloseTo(1, HAND);
    assertThat(evaluation.perCategory().subList(1, 4))
        .extracting(CocoCategoryAp::ap)
        .containsOnlyNulls();
  }

  @Test
  void detectionsOnAnImageWithoutGroundTruthAreFalsePositives() {
    // Image 1: object found exactly (s.8). Image 2: no annotations, a detection s.9.
    // Ranks [FP, TP] -> precision 1/2 at recall 1 at every threshold -> AP 0.5; AR 1.
    CocoEvaluation evaluation =
        new CocoCases()
            .gt(1, 1, 0, 0, 10, 10)
            .dt(1, 1, 0, 0, 10, 10, 0.8)
            .dt(2, 1, 0, 0, 10, 10, 0.9)
            .evaluate();

    assertThat(evaluation.images()).isEqualTo(2);
    assertThat(evaluation.stats().ap()).isCloseTo(0.5, HAND);
    assertThat(evaluation.stats().ar100()).isCloseTo(1, HAND);
  }

  @Test
  void iouExactlyAtAThresholdMatches() {
    // gt [0,0,10,10]; dt [0,0,10,5]: intersection 50, union 50 + 100 - 50 = 100, IoU = 0.5
    // exactly -> matched at .50 only (a match needs IoU >= threshold): AP = 1/10, AP50 = 1,
    // AP75 = 0, AR = 0.1.
    CocoStats half =
        new CocoCases().gt(1, 1, 0, 0, 10, 10).dt(1, 1, 0, 0, 10, 5, 0.9).evaluate().stats();
    // dt [0,0,10,9]: IoU 90/100 = 0.9, which is above the 9th threshold 0.8999999999999999
    // (linspace) -> matched at 9 thresholds: AP = AR = 0.9.
    CocoStats ninety =
        new CocoCases().gt(1, 1, 0, 0, 10, 10).dt(1, 1, 0, 0, 10, 9, 0.9).evaluate().stats();

    assertThat(half.ap()).isCloseTo(0.1, HAND);
    assertThat(half.ap50()).isCloseTo(1, HAND);
    assertThat(half.ap75()).isEqualTo(0);
    assertThat(half.ar100()).isCloseTo(0.1, HAND);
    assertThat(ninety.ap()).isCloseTo(0.9, HAND);
    assertThat(ninety.ar100()).isCloseTo(0.9, HAND);
  }

  @Test
  void detectionPrefersGroundTruthInRangeOverBetterOverlapOutOfRange() {
    // S: box [0,0,10,10], area 100 (small). X: box [0,0,10,11], area field 5000 (medium, so ignored
    // in the small range). One detection [0,0,10,11]: IoU 1 with X, 100/110 = 0.909 with S.
    // Small range, gt order [S, X(ignored)]: for t <= 0.9 the detection takes S and stops at the
    // first ignored gt -> TP (not absorbed by X despite the better IoU). At t = .95, S is too weak,
    // X matches -> ignored -> no TP. APs = ARs = 9/10.
    CocoStats stats =
        new CocoCases()
            .gt(1, 1, 0, 0, 10, 10, 100, false)
            .gt(1, 1, 0, 0, 10, 11, 5000, false)
            .dt(1, 1, 0, 0, 10, 11, 0.9)
            .evaluate()
            .stats();

    assertThat(stats.apSmall()).isCloseTo(0.9, HAND);
    assertThat(stats.arSmall()).isCloseTo(0.9, HAND);
  }

  @Test
  void zeroSizeDetectionIsKeptAndMatchesNothing() {
    // pycocotools keeps a zero-size box: IoU 0 with everything, area 0 (small) -> a false positive
    // ranked first: [FP, TP] -> AP 0.5.
    CocoStats stats =
        new CocoCases()
            .gt(1, 1, 0, 0, 10, 10)
            .dt(1, 1, 0, 0, 0, 10, 0.9)
            .dt(1, 1, 0, 0, 10, 10, 0.8)
            .evaluate()
            .stats();

    assertThat(stats.ap()).isCloseTo(0.5, HAND);
  }
}
