package org.mnv2.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Wrong usage: exit code 2 and one line saying what is wrong, before any Spark work. */
class CommandLineTest {
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
  void unknownOption() {
    int code =
        PipelineCli.execute(new String[] {"classify", "--input", "x", "--output", "y", "--bogus"});
    assertThat(code).isEqualTo(2);
    assertThat(stderr()).isEqualTo("error: Unknown option: '--bogus' (see --help)");
  }

  @Test
  void missingRequiredOption() {
    int code = PipelineCli.execute(new String[] {"classify", "--output", "y"});
    assertThat(code).isEqualTo(2);
    assertThat(stderr()).startsWith("error: Missing required option: '--input=<input>'");
  }

  @Test
  void inputAndManifestTogether() {
    int code =
        PipelineCli.execute(
            new String[] {"classify", "--input", "x", "--input-manifest", "m", "--output", "y"});
    assertThat(code).isEqualTo(2);
    assertThat(stderr())
        .isEqualTo(
            "error: Cannot read images: give --input or --input-manifest (expected one, got"
                + " both)");
  }

  @Test
  void labelTakesWholeManifests() {
    int code =
        PipelineCli.execute(
            new String[] {
              "label", "--input-manifest", "m", "--output", "y", "--max-images-per-run", "5"
            });
    assertThat(code).isEqualTo(2);
    assertThat(stderr())
        .isEqualTo(
            "error: Cannot use --max-images-per-run with --input-manifest (expected --input: a run"
                + " takes whole manifest files)");
  }

  @Test
  void unknownModelListsTheShippedOnes() {
    int code =
        PipelineCli.execute(
            new String[] {"classify", "--input", "x", "--output", "y", "--model", "resnet9000"});
    assertThat(code).isEqualTo(2);
    assertThat(stderr())
        .startsWith("error: Cannot find model spec 'resnet9000' (expected one of [")
        .contains("mobilenetv2-onnx-zoo", "synth-mobilenetv2")
        .doesNotContain("\n");
  }

  @Test
  void unreadableSpecFile(@TempDir Path dir) throws Exception {
    Path spec = Files.writeString(dir.resolve("broken.yaml"), "name: [unclosed\n");
    int code =
        PipelineCli.execute(
            new String[] {"classify", "--input", "x", "--output", "y", "--model", spec.toString()});
    assertThat(code).isEqualTo(2);
    assertThat(stderr()).startsWith("error: Cannot read model spec " + spec + ": not valid YAML");
  }

  @Test
  void badBatchSize() {
    int code =
        PipelineCli.execute(
            new String[] {"classify", "--input", "x", "--output", "y", "--batch-size", "0"});
    assertThat(code).isEqualTo(2);
    assertThat(stderr())
        .isEqualTo(
            "error: Cannot use --batch-size / mnv2.batch-size '0' (expected a positive integer)");
  }

  @Test
  void badMode() {
    int code =
        PipelineCli.execute(
            new String[] {"classify", "--input", "x", "--output", "y", "--mode", "append"});
    assertThat(code).isEqualTo(2);
    assertThat(stderr())
        .isEqualTo("error: Cannot use --mode 'append' (expected error or overwrite)");
  }

  @Test
  void detectionModelForClassify() {
    int code =
        PipelineCli.execute(
            new String[] {"classify", "--input", "x", "--output", "y", "--model", "yolox-coco"});
    assertThat(code).isEqualTo(2);
    assertThat(stderr()).contains("yolox-coco").contains("(expected classification)");
  }
}
