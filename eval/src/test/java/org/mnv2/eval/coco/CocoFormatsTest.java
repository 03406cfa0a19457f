package org.mnv2.eval.coco;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading instances and results files, writing results files. */
class CocoFormatsTest {

  @Test
  void instancesWithPolygonAndRleSegmentationsParse() {
    String json =
        """
        {"info": {"year": 2014}, "licenses": [{"id": 1}],
         "images": [{"id": 42, "file_name": "a.jpg", "width": 640, "height": 480, "license": 1}],
         "annotations": [
           {"id": 1, "image_id": 42, "category_id": 18, "bbox": [258.15, 41.29, 348.26, 243.78],
            "area": 60000.5, "iscrowd": 0,
            "segmentation": [[258.15, 41.29, 606.41, 41.29, 606.41, 285.07]]},
           {"id": 2, "image_id": 42, "category_id": 1, "bbox": [0, 0, 100, 50], "area": 3000,
            "iscrowd": 1, "segmentation": {"size": [480, 640], "counts": [0, 5, 10, 5]}},
           {"id": 3, "image_id": 42, "category_id": 1, "bbox": [5, 5, 10, 10], "area": 80,
            "segmentation": {"size": [480, 640], "counts": "abc123"}}],
         "categories": [{"id": 1, "name": "person", "supercategory": "person"},
                        {"id": 18, "name": "dog", "supercategory": "animal"}]}
        """;

    CocoDataset dataset =
        CocoDataset.read(
            new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "instances.json");

    assertThat(dataset.images()).containsExactly(new CocoImage(42, "a.jpg", 640, 480));
    assertThat(dataset.annotations())
        .containsExactly(
            new CocoAnnotation(
                1, 42, 18, new XywhBox(258.15, 41.29, 348.26, 243.78), 60000.5, false),
            new CocoAnnotation(2, 42, 1, new XywhBox(0, 0, 100, 50), 3000, true),
            new CocoAnnotation(3, 42, 1, new XywhBox(5, 5, 10, 10), 80, false));
    assertThat(dataset.categoryIds()).containsExactly(1, 18);
    assertThat(dataset.category(18)).contains(new CocoCategory(18, "dog"));
  }

  @Test
  void resultsRoundTripExactly(@TempDir Path dir) {
    List<CocoDetection> detections =
        List.of(
            new CocoDetection(42, 18, new XywhBox(258.15, 41.29, 348.26, 243.78), 0.236),
            new CocoDetection(73, 1, new XywhBox(0, 0.1, 1e-7, 3), 0.30000001192092896f),
            new CocoDetection(9_000_000_000L, 90, new XywhBox(1, 2, 0, 4), 1));
    Path file = dir.resolve("detections.json");

    CocoResults.write(detections, file);

    assertThat(CocoResults.read(file)).isEqualTo(detections);
  }

  @Test
  void resultsAreWrittenInCocoResultsLayout() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    CocoResults.write(
        List.of(new CocoDetection(42, 18, new XywhBox(258.15, 41.29, 348.26, 243.78), 0.236)), out);

    assertThat(out.toString(StandardCharsets.UTF_8))
        .isEqualTo(
            "[{\"image_id\":42,\"category_id\":18,\"bbox\":[258.15,41.29,348.26,243.78],"
                + "\"score\":0.236}]");
  }

  @Test
  void resultsIgnoreExtraFieldsAndAcceptIntegralFloats(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("r.json");
    Files.writeString(
        file,
        "[{\"image_id\": 42.0, \"category_id\": 18, \"bbox\": [1, 2, 3, 4], \"score\": 1,"
            + " \"id\": 7, \"segmentation\": [[1, 2, 3, 4]]}]");

    assertThat(CocoResults.read(file))
        .containsExactly(new CocoDetection(42, 18, new XywhBox(1, 2, 3, 4), 1));
  }

  @Test
  void thresholdsAreNumpyLinspaceValues() {
    // np.linspace(.5, 0.95, 10) and np.linspace(.0, 1.00, 101), printed by numpy 2.4 with repr()
    assertThat(CocoParams.IOU_THRESHOLDS)
        .containsExactly(0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.8999999999999999, 0.95);
    assertThat(CocoParams.RECALL_THRESHOLDS).hasSize(101);
    assertThat(CocoParams.RECALL_THRESHOLDS[7]).isEqualTo(0.07);
    assertThat(CocoParams.RECALL_THRESHOLDS[29]).isEqualTo(0.29);
    assertThat(CocoParams.RECALL_THRESHOLDS[100]).isEqualTo(1.0);
  }
}
