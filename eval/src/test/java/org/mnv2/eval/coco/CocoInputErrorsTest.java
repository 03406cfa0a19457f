package org.mnv2.eval.coco;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Bad annotations, results and detection lists fail with messages that say what and where. */
class CocoInputErrorsTest {
  private static final String INSTANCES =
      """
      {"images": [{"id": 1, "file_name": "a.jpg", "width": 640, "height": 480}],
       "annotations": [%s],
       "categories": [{"id": 18, "name": "dog"}]}
      """;
  private static final String DOG =
      """
      {"id": 5, "image_id": 1, "category_id": 18, "bbox": [1, 2, 30, 40], "area": 1000,
       "iscrowd": 0}""";

  private static CocoDataset instances(String json) {
    return CocoDataset.read(stream(json), "instances.json");
  }

  private static List<CocoDetection> results(String json) {
    return CocoResults.read(stream(json), "detections.json");
  }

  private static ByteArrayInputStream stream(String json) {
    return new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void malformedAnnotationsJsonNamesFileAndPosition() {
    assertThatThrownBy(() -> instances("{\"images\": [{\"id\": 1}, }"))
        .isInstanceOf(CocoFormatException.class)
        .hasMessage(
            "Cannot read COCO annotations instances.json: malformed JSON at line 1, column 25"
                + " (Unexpected character ('}' (code 125)): expected a value)");
  }

  @Test
  void truncatedResultsJsonIsMalformed() {
    assertThatThrownBy(() -> results("[{\"image_id\": 1, \"category_id\": 18, \"bbox\": [1,"))
        .isInstanceOf(CocoFormatException.class)
        .hasMessageStartingWith(
            "Cannot read COCO results detections.json: malformed JSON at line 1");
  }

  @Test
  void resultsMustBeAnArray() {
    assertThatThrownBy(() -> results("{\"image_id\": 1}"))
        .isInstanceOf(CocoFormatException.class)
        .hasMessage(
            "Cannot read COCO results detections.json: results is not an array of objects"
                + " (expected [{\"image_id\": ...}, ...], got START_OBJECT)");
  }

  @Test
  void emptyResultsAreRejected() {
    assertThatThrownBy(() -> results("[]"))
        .isInstanceOf(CocoFormatException.class)
        .hasMessage(
            "Cannot read COCO results detections.json: the results list is empty (expected at"
                + " least one detection, got 0)");
  }

  @Test
  void emptyDetectionListIsRejectedByEvaluate() {
    CocoDataset gt = instances(INSTANCES.formatted(DOG));

    assertThatThrownBy(() -> CocoEvaluator.evaluate(gt, List.of()))
        .isInstanceOf(CocoFormatException.class)
        .hasMessage(
            "Cannot evaluate detections against the ground truth: the results list is empty"
                + " (expected at least one detection, got 0)");
  }

  @Test
  void negativeBoxSizeIsRejectedWithTheBox() {
    String json =
        """
        [{"image_id": 1, "category_id": 18, "bbox": [1, 2, 30, 40], "score": 0.9},
         {"image_id": 1, "category_id": 18, "bbox": [10, 20, 5, -4], "score": 0.8}]""";

    assertThatThrownBy(() -> results(json))
        .isInstanceOf(CocoFormatException.class)
        .hasMessage(
            "Cannot read COCO results detections.json: results[1] has a box with negative size"
                + " (expected width >= 0 and height >= 0 in [x, y, w, h]; corners [x1, y1, x2, y2]"
                + " are not COCO boxes, got [10.0, 20.0, 5.0, -4.0])");
  }

  @Test
  void negativeBoxSizeIsRejectedInMemoryToo() {
    assertThatThrownBy(() -> new XywhBox(10, 20, -5, 4))
        .isInstanceOf(CocoFormatException.class)
        .hasMessage(
            "Cannot create box: negative size (expected width >= 0 and height >= 0 in [x, y, w, h],"
                + " got [10.0, 20.0, -5.0, 4.0])");
  }

  @Test
  void zeroSizeBoxIsKept() {
    List<CocoDetection> dts =
        results("[{\"image_id\": 1, \"category_id\": 18, \"bbox\": [3, 4, 0, 7], \"score\": 0.5}]");

    assertThat(dts).containsExactly(new CocoDetection(1, 18, new XywhBox(3, 4, 0, 7), 0.5));
    assertThat(dts.get(0).area()).isEqualTo(0);
  }

  @Test
  void missingFieldNamesTheEntryAndWhatIsThere() {
    assertThatThrownBy(
            () -> results("[{\"image_id\": 1, \"category_id\": 18, \"bbox\": [1, 2, 3, 4]}]"))
        .isInstanceOf(CocoFormatException.class)
        .hasMessage(
            "Cannot read COCO results detections.json: results[0] has no \"score\" (expected a"
                + " field \"score\", got fields [image_id, category_id, bbox])");
  }

  @Test
  void malformedBoxIsRejected() {
    assertThatThrownBy(
            () ->
                results(
                    "[{\"image_id\": 1, \"category_id\": 18, \"bbox\": [1, 2, 3], \"score\": 1}]"))
        .isInstanceOf(CocoFormatException.class)
        .hasMessage(
            "Cannot read COCO results detections.json: results[0] has a malformed \"bbox\""
                + " (expected [x, y, w, h], got [1,2,3])");
  }

  @Test
  void textImageIdIsRejected() {
    assertThatThrownBy(
            () ->
                results(
                    "[{\"image_id\": \"42\", \"category_id\": 18, \"bbox\": [1, 2, 3, 4],"
                        + " \"score\": 1}]"))
        .isInstanceOf(CocoFormatException.class)
        .hasMessage(
            "Cannot read COCO results detections.json: results[0] has a malformed \"image_id\""
                + " (expected an integer, got \"42\")");
  }

  @Test
  void detectionOfAnUnknownImageIsRejected() {
    CocoDataset gt = instances(INSTANCES.formatted(DOG));
    List<CocoDetection> dts =
        List.of(
            new CocoDetection(1, 18, new XywhBox(1, 2, 3, 4), 0.9),
            new CocoDetection(99, 18, new XywhBox(1, 2, 3, 4), 0.8));

    assertThatThrownBy(() -> CocoEvaluator.evaluate(gt, dts))
        .isInstanceOf(CocoFormatException.class)
        .hasMessage(
            "Cannot evaluate detections against the ground truth: results[1] names image 99, which"
                + " the annotations do not have; results do not correspond to the ground-truth"
                + " set (expected one of 1 image ids, got 99)");
  }

  @Test
  void detectionOfAnUnknownCategoryIsRejected() {
    CocoDataset gt = instances(INSTANCES.formatted(DOG));
    List<CocoDetection> dts = List.of(new CocoDetection(1, 17, new XywhBox(1, 2, 3, 4), 0.9));

    assertThatThrownBy(() -> CocoEvaluator.evaluate(gt, dts))
        .isInstanceOf(CocoFormatException.class)
        .hasMessage(
            "Cannot evaluate detections against the ground truth: results[0] names category 17,"
                + " which the annotations do not have (expected one of [18], got 17)");
  }

  @Test
  void annotationOfAnUnknownImageIsRejected() {
    String json = INSTANCES.formatted(DOG.replace("\"image_id\": 1", "\"image_id\": 7"));

    assertThatThrownBy(() -> instances(json))
        .isInstanceOf(CocoFormatException.class)
        .hasMessage(
            "Cannot read COCO annotations instances.json: annotation 5 names image 7, which is not"
                + " in images (expected one of 1 image ids, got 7)");
  }

  @Test
  void duplicateAnnotationIdIsRejected() {
    assertThatThrownBy(() -> instances(INSTANCES.formatted(DOG + ", " + DOG)))
        .isInstanceOf(CocoFormatException.class)
        .hasMessage(
            "Cannot read COCO annotations instances.json: annotation id 5 appears twice (expected"
                + " unique ids)");
  }

  @Test
  void annotationWithoutAreaIsRejected() {
    String json = INSTANCES.formatted(DOG.replace("\"area\": 1000,", ""));

    assertThatThrownBy(() -> instances(json))
        .isInstanceOf(CocoFormatException.class)
        .hasMessage(
            "Cannot read COCO annotations instances.json: annotations[0] has no \"area\" (expected"
                + " a field \"area\", got fields [id, image_id, category_id, bbox, iscrowd])");
  }

  @Test
  void instancesWithoutCategoriesAreRejected() {
    assertThatThrownBy(() -> instances("{\"images\": [], \"annotations\": []}"))
        .isInstanceOf(CocoFormatException.class)
        .hasMessage(
            "Cannot read COCO annotations instances.json: no \"categories\" list (expected an"
                + " instances file with images, annotations and categories)");
  }

  @Test
  void missingFileIsAnIoErrorNamingThePath() {
    Path missing = Path.of("no-such-dir", "instances.json");

    assertThatThrownBy(() -> CocoDataset.read(missing))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessage("Cannot read COCO annotations " + missing + ": no such file");
  }

  @Test
  void evaluateImageRejectsADetectionOfAnotherImage() {
    CocoDetection elsewhere = new CocoDetection(2, 18, new XywhBox(1, 2, 3, 4), 0.9);

    assertThatThrownBy(() -> CocoEvaluator.evaluateImage(1, 18, List.of(), List.of(elsewhere)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot evaluate image 1, category 18: a detection belongs elsewhere (expected image"
                + " 1, category 18, got image 2, category 18)");
  }

  @Test
  void accumulateRejectsARecordOfAnotherCategory() {
    List<CocoImageEvaluation> records =
        CocoEvaluator.evaluateImage(
            1, 18, List.of(), List.of(new CocoDetection(1, 18, new XywhBox(1, 2, 3, 4), 0.9)));

    assertThatThrownBy(() -> CocoEvaluator.accumulate(17, records))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot accumulate category 17: an evaluation of image 1 belongs to another category"
                + " (expected 17, got 18)");
  }
}
