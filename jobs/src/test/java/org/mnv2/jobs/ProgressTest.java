package org.mnv2.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnv2.jobs.run.Progress;
import org.mnv2.synth.SynthGenerator;

/**
 * Progress on stderr through the command line: plain lines (stderr is no terminal here) whose
 * counts rise to the total, a final line, nothing with --progress never, nothing on stdout.
 */
class ProgressTest extends SparkTestBase {
  private static final Pattern LINE =
      Pattern.compile("^progress (\\S+) (\\S+): (\\d+) / (\\d+) (images|tasks) .*$");

  @TempDir static Path data;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private PrintStream originalOut;
  private PrintStream originalErr;

  @BeforeAll
  static void generate() {
    SynthGenerator.generate(data, 240, 7);
  }

  @BeforeEach
  void capture() {
    originalOut = System.out;
    originalErr = System.err;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    // A line every 50 ms instead of 10 s: several lines within a few seconds' run.
    System.setProperty(Progress.INTERVAL_PROPERTY, "50");
  }

  @AfterEach
  void restore() {
    System.setOut(originalOut);
    System.setErr(originalErr);
    System.clearProperty(Progress.INTERVAL_PROPERTY);
  }

  private int pipeline(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--conf", "spark.ui.enabled=false", "--master", "local[2]"));
    return PipelineCli.execute(all.toArray(String[]::new));
  }

  /** The progress lines of {@code command stage} in stderr, as (done, total). */
  private List<long[]> lines(String command, String stage) {
    List<long[]> found = new ArrayList<>();
    for (String line : err.toString(StandardCharsets.UTF_8).split("\n")) {
      Matcher m = LINE.matcher(line);
      if (m.matches() && m.group(1).equals(command) && m.group(2).equals(stage)) {
        found.add(new long[] {Long.parseLong(m.group(3)), Long.parseLong(m.group(4))});
      }
    }
    return found;
  }

  @Test
  void classifyPrintsRisingLinesUpToTheTotal(@TempDir Path output) {
    int code =
        pipeline(
            "classify",
            "--input",
            data.resolve("images").toString(),
            "--output",
            output.toString(),
            "--images-per-partition",
            "40",
            "--progress",
            "always");

    assertThat(code).isEqualTo(0);
    List<long[]> lines = lines("classify", "inference");
    assertThat(lines).hasSizeGreaterThanOrEqualTo(3);
    for (int i = 1; i < lines.size(); i++) {
      assertThat(lines.get(i)[0]).isGreaterThanOrEqualTo(lines.get(i - 1)[0]);
    }
    assertThat(lines).allSatisfy(l -> assertThat(l[1]).isEqualTo(240));
    assertThat(lines.get(lines.size() - 1)[0]).isEqualTo(240);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("progress classify inference: 240 / 240 images (100%)")
        .contains(", 0 errors, done in ");
    assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("progress");
  }

  @Test
  void evalCocoWithImagesShowsInferenceAndEvaluation(@TempDir Path output) {
    int code =
        pipeline(
            "eval-coco",
            "--annotations",
            data.resolve("instances.json").toString(),
            "--images",
            data.resolve("images").toString(),
            "--output",
            output.toString(),
            "--images-per-partition",
            "40",
            "--progress",
            "always");

    assertThat(code).isEqualTo(0);
    List<long[]> inference = lines("eval-coco", "inference");
    assertThat(inference).hasSizeGreaterThanOrEqualTo(3);
    assertThat(inference.get(inference.size() - 1)).containsExactly(240, 240);
    List<long[]> evaluation = lines("eval-coco", "evaluation");
    assertThat(evaluation).isNotEmpty();
    long[] last = evaluation.get(evaluation.size() - 1);
    assertThat(last[0]).isEqualTo(last[1]).isPositive();
    assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("progress");
  }

  @Test
  void neverPrintsNone(@TempDir Path output) {
    int code =
        pipeline(
            "classify",
            "--input",
            data.resolve("images").toString(),
            "--output",
            output.toString(),
            "--progress",
            "never");

    assertThat(code).isEqualTo(0);
    assertThat(err.toString(StandardCharsets.UTF_8)).doesNotContain("progress ");
    assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("progress ");
  }

  @Test
  void anUnknownModeIsAUsageError() {
    int code = pipeline("classify", "--input", "x", "--output", "y", "--progress", "sometimes");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8).strip())
        .isEqualTo("error: Cannot use --progress 'sometimes' (expected auto, always or never)");
  }
}
