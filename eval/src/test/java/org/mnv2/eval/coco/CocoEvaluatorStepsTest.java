package org.mnv2.eval.coco;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The three public steps a Spark job calls, and the records it ships between them. */
class CocoEvaluatorStepsTest {
  private static final int ALL_THRESHOLDS = 0b11_1111_1111;
  private static final int FIRST_TWO_THRESHOLDS = 0b11;

  // Image 1, category 1: crowd C = [0,0,100,100] (id 1), object G = [200,200,10,10] (id 2).
  private static final List<CocoAnnotation> GT =
      List.of(
          new CocoAnnotation(1, 1, 1, new XywhBox(0, 0, 100, 100), 10000, true),
          new CocoAnnotation(2, 1, 1, new XywhBox(200, 200, 10, 10), 100, false));
  // Listed out of score order on purpose: d1 (on G), d2 and d3 (inside C), d4 (IoU 0.5625 with C).
  private static final List<CocoDetection> DT =
      List.of(
          new CocoDetection(1, 1, new XywhBox(200, 200, 10, 10), 0.6),
          new CocoDetection(1, 1, new XywhBox(10, 10, 20, 20), 0.9),
          new CocoDetection(1, 1, new XywhBox(50, 50, 20, 20), 0.8),
          new CocoDetection(1, 1, new XywhBox(70, 70, 40, 40), 0.7));

  @Test
  void evaluateImageReturnsOneRecordPerAreaRangeInMatchingOrder() {
    List<CocoImageEvaluation> records = CocoEvaluator.evaluateImage(1, 1, GT, DT);

    assertThat(records)
        .extracting(CocoImageEvaluation::areaRange)
        .containsExactly(CocoAreaRange.values());
    // All: detections by score d2, d3, d4, d1. d2 and d3 match the crowd at every threshold and
    // are ignored; d4 matches it at .50 and .55 only (ignored there, a false positive above);
    // d1 matches G everywhere. Ground truth: G first (kept), then C (crowd, ignored).
    CocoImageEvaluation all = records.get(0);
    assertThat(all.dtScores()).containsExactly(0.9, 0.8, 0.7, 0.6);
    assertThat(all.dtMatched())
        .containsExactly(ALL_THRESHOLDS, ALL_THRESHOLDS, FIRST_TWO_THRESHOLDS, ALL_THRESHOLDS);
    assertThat(all.dtIgnored())
        .containsExactly(ALL_THRESHOLDS, ALL_THRESHOLDS, FIRST_TWO_THRESHOLDS, 0);
    assertThat(all.gtIgnored()).containsExactly(false, true);
    assertThat(all.matched(1, 2)).isTrue();
    assertThat(all.matched(2, 2)).isFalse();
    assertThat(all.nonIgnoredGroundTruthCount()).isEqualTo(1);
    // Small: d4 (area 1600) is outside the range, so it is ignored where it matches nothing too.
    CocoImageEvaluation small = records.get(1);
    assertThat(small.dtIgnored())
        .containsExactly(ALL_THRESHOLDS, ALL_THRESHOLDS, ALL_THRESHOLDS, 0);
    assertThat(small.gtIgnored()).containsExactly(false, true);
  }

  @Test
  void imageWithNeitherGroundTruthNorDetectionsHasNoRecord() {
    assertThat(CocoEvaluator.evaluateImage(5, 1, List.of(), List.of())).isEmpty();
  }

  @Test
  void stepsInAnyOrderAfterSerialisationEqualTheInMemoryEvaluation() {
    CocoCases cases =
        new CocoCases()
            .crowd(1, 1, 0, 0, 100, 100)
            .gt(1, 1, 200, 200, 10, 10)
            .dt(1, 1, 200, 200, 10, 10, 0.6)
            .dt(1, 1, 10, 10, 20, 20, 0.9)
            .dt(1, 1, 70, 70, 40, 40, 0.7)
            .gt(2, 1, 5, 5, 50, 60)
            .dt(2, 1, 6, 5, 50, 58, 0.7)
            .gt(2, 3, 0, 0, 120, 100)
            .dt(2, 3, 0, 0, 100, 100, 0.3)
            .dt(3, 3, 0, 0, 100, 100, 0.3)
            .dt(3, 2, 0, 0, 10, 10, 0.5);

    CocoEvaluation inMemory = cases.evaluate();
    SplitEvaluation split = SplitEvaluation.run(cases.dataset(), cases.detections(), 7);

    assertThat(split.stats()).isEqualTo(inMemory.stats());
    assertThat(split.perCategory()).isEqualTo(inMemory.perCategory());
  }

  @Test
  void accumulateDoesNotDependOnRecordOrder() {
    List<CocoImageEvaluation> records = new ArrayList<>();
    for (long image = 1; image <= 20; image++) {
      records.addAll(
          CocoEvaluator.evaluateImage(
              image,
              1,
              List.of(new CocoAnnotation(image, image, 1, new XywhBox(0, 0, 10, 10), 100, false)),
              List.of(
                  new CocoDetection(image, 1, new XywhBox(image % 3, 0, 10, 10), 0.5),
                  new CocoDetection(image, 1, new XywhBox(40, 40, 10, 10), 0.5))));
    }
    List<CocoImageEvaluation> shuffled = new ArrayList<>(records);
    Collections.shuffle(shuffled, new Random(3));

    assertThat(CocoEvaluator.accumulate(1, shuffled))
        .isEqualTo(CocoEvaluator.accumulate(1, records));
  }

  @Test
  void recordsSurviveJavaSerialisation() {
    List<CocoImageEvaluation> records = CocoEvaluator.evaluateImage(1, 1, GT, DT);
    CocoCategoryAccumulation accumulation = CocoEvaluator.accumulate(1, records);

    assertThat(SplitEvaluation.roundTrip(records)).isEqualTo(records);
    assertThat(SplitEvaluation.roundTrip(List.of(accumulation))).containsExactly(accumulation);
  }
}
