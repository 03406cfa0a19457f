package org.mnv2.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** detect / eval-coco usage errors: exit code 2 and one line, before any Spark work. */
class EvalCocoCommandLineTest {
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private PrintStream originalErr;

  @BeforeEach
  void captureStderr() {
    originalErr = System.err;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restoreStderr() {
    System.setErr(originalErr);
  }

  private String stderr() {
    return err.toString(StandardCharsets.UTF_8).strip();
  }

  @Test
  void evalCocoNeedsExactlyOneSourceOfDetections() {
    int code =
        PipelineCli.execute(
            new String[] {
              "eval-coco",
              "--annotations",
              "gt.json",
              "--images",
              "x",
              "--detections",
              "dt.json",
              "--output",
              "out"
            });

    assertThat(code).isEqualTo(2);
    assertThat(stderr())
        .isEqualTo(
            "error: Cannot evaluate: give either --detections FILE or --images URI --model SPEC"
                + " (expected exactly one of --images and --detections)");
  }

  @Test
  void evalCocoRefusesAModelForAResultsFile() {
    int code =
        PipelineCli.execute(
            new String[] {
              "eval-coco",
              "--annotations",
              "gt.json",
              "--detections",
              "dt.json",
              "--model",
              "yolox-coco",
              "--output",
              "out"
            });

    assertThat(code).isEqualTo(2);
    assertThat(stderr())
        .isEqualTo(
            "error: Cannot evaluate: --model and --model-uri apply to --images only (got"
                + " --detections)");
  }

  @Test
  void evalCocoRefusesAClassifier() {
    int code =
        PipelineCli.execute(
            new String[] {
              "eval-coco",
              "--annotations",
              "gt.json",
              "--images",
              "x",
              "--model",
              "synth-mobilenetv2",
              "--output",
              "out"
            });

    assertThat(code).isEqualTo(2);
    assertThat(stderr())
        .isEqualTo(
            "error: Cannot use model synth-mobilenetv2 here: it is a classification model"
                + " (expected detection)");
  }

  @Test
  void detectChecksTheScoreThreshold() {
    int code =
        PipelineCli.execute(
            new String[] {
              "detect",
              "--input",
              "x",
              "--output",
              "y",
              "--model",
              "yolox-coco",
              "--score-threshold",
              "1.5"
            });

    assertThat(code).isEqualTo(2);
    assertThat(stderr())
        .isEqualTo(
            "error: Cannot use --score-threshold / mnv2.score-threshold '1.5' (expected a number"
                + " in 0..1)");
  }

  @Test
  void detectChecksMaxDetections() {
    int code =
        PipelineCli.execute(
            new String[] {
              "detect",
              "--input",
              "x",
              "--output",
              "y",
              "--model",
              "yolox-coco",
              "--max-detections",
              "0"
            });

    assertThat(code).isEqualTo(2);
    assertThat(stderr())
        .isEqualTo(
            "error: Cannot use --max-detections / mnv2.max-detections '0' (expected a positive"
                + " integer)");
  }
}
