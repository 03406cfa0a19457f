package org.mnv2.eval.coco;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * pycocotools' own reference case: the first 100 val2014 images and its fake bbox results, against
 * the 12 stats pycocotools computes for them (../shared/fixtures/coco/val2014-100-golden, see its
 * PROVENANCE.md). The contract is 1e-9 on every stat.
 */
class CocoGoldenTest {
  private static final double TOLERANCE = 1e-9;

  private Path dir;

  @BeforeEach
  void locateFixtures() {
    Path shared = Path.of(System.getProperty("shared.dir", "../shared"));
    dir = shared.resolve("fixtures/coco/val2014-100-golden");
    Assumptions.assumeTrue(
        Files.isDirectory(dir),
        "Skipping the pycocotools golden test: fixture directory "
            + dir.toAbsolutePath().normalize()
            + " is missing (set -Dshared.dir to the shared/ checkout)");
  }

  @Test
  void reproducesPycocotoolsStats() throws IOException {
    CocoDataset gt = CocoDataset.read(dir.resolve("instances_val2014_100.json"));
    List<CocoDetection> dts =
        CocoResults.read(dir.resolve("instances_val2014_fakebbox100_results.json"));
    JsonNode expectedJson =
        new ObjectMapper().readTree(dir.resolve("expected_cocoeval_stats.json").toFile());
    List<String> keys = new ArrayList<>();
    expectedJson.get("keys").forEach(k -> keys.add(k.asText()));
    double[] expected = new double[12];
    for (int i = 0; i < 12; i++) {
      expected[i] = expectedJson.get("bbox").get(i).asDouble();
    }

    CocoEvaluation evaluation = CocoEvaluator.evaluate(gt, dts);

    assertThat(keys).isEqualTo(CocoStats.NAMES);
    double[] actual = evaluation.stats().toArray();
    for (int i = 0; i < 12; i++) {
      assertThat(actual[i]).as(keys.get(i)).isCloseTo(expected[i], within(TOLERANCE));
    }
    assertThat(evaluation.images()).isEqualTo(100);
    assertThat(gt.annotations()).hasSize(839);
    assertThat(dts).hasSize(734);
    assertThat(evaluation.perCategory()).hasSize(80);
  }

  @Test
  void distributedStepsGiveTheSameStatsAsInMemory() {
    CocoDataset gt = CocoDataset.read(dir.resolve("instances_val2014_100.json"));
    List<CocoDetection> dts =
        CocoResults.read(dir.resolve("instances_val2014_fakebbox100_results.json"));

    CocoEvaluation inMemory = CocoEvaluator.evaluate(gt, dts);
    SplitEvaluation split = SplitEvaluation.run(gt, dts, 42);

    assertThat(split.stats()).isEqualTo(inMemory.stats());
    assertThat(split.perCategory()).isEqualTo(inMemory.perCategory());
  }
}
