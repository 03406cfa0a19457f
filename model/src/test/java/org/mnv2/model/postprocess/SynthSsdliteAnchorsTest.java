package org.mnv2.model.postprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.mnv2.model.spec.LocalResources;
import org.mnv2.model.spec.ModelSpec;
import org.mnv2.model.spec.ModelSpecLoader;

/**
 * The anchors of the shipped synth-ssdlite spec against torchvision's own, recorded by the training
 * script in conf/models/synth-ssdlite.golden.json (count, sum, the first anchor of every feature
 * map, and the anchors of the raw samples).
 */
class SynthSsdliteAnchorsTest {

  @Test
  void specAnchorsAreTorchvisionsAnchors() throws Exception {
    Path models =
        Path.of(System.getProperty("project.root", "..")).toAbsolutePath().resolve("conf/models");
    Path goldenFile = models.resolve("synth-ssdlite.golden.json");
    assumeTrue(
        Files.exists(goldenFile),
        "needs " + goldenFile + " (written by scripts/train-models detector)");
    JsonNode golden = new ObjectMapper().readTree(goldenFile.toFile());
    ModelSpec spec =
        new ModelSpecLoader(new LocalResources())
            .load(models.resolve("synth-ssdlite.yaml").toString(), null);

    DefaultBoxes boxes =
        SsdRawPostprocessor.defaultBoxes(
            spec.output(), spec.input().width(), spec.input().height());
    float[] anchors = boxes.corners();

    assertThat(boxes.count()).isEqualTo(golden.get("anchor_count").asInt());
    double sum = 0;
    for (float v : anchors) {
      sum += v;
    }
    assertThat(sum).isCloseTo(golden.get("anchor_sum").asDouble(), within(1e-2));
    for (JsonNode level : golden.get("anchor_levels")) {
      assertAnchor(anchors, level.get("first").asInt(), level.get("first_anchor_xyxy"));
    }
    for (JsonNode image : golden.get("images")) {
      for (JsonNode sample : image.get("raw_samples")) {
        assertAnchor(anchors, sample.get("anchor").asInt(), sample.get("anchor_xyxy"));
      }
    }
  }

  private static void assertAnchor(float[] anchors, int index, JsonNode expected) {
    for (int k = 0; k < 4; k++) {
      assertThat((double) anchors[index * 4 + k])
          .as("anchor %d coordinate %d", index, k)
          .isCloseTo(expected.get(k).asDouble(), within(1e-4));
    }
  }
}
