package org.mnv2.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A report opened in headless Chromium (Debian's chromium; scripts/test installs it): the page's
 * scripts run, its console must stay silent, every image must load (the page's own check sets
 * {@code data-check="ok"} on its body), and a screenshot is left under target/report-screenshots/
 * for a person to look at. The browser is found by the system property {@code chromium}, the
 * environment variable {@code CHROMIUM}, or {@code chromium} / {@code chromium-browser} on the
 * PATH; without one the test fails (it is never skipped).
 */
final class Chromium {
  private static final long TIMEOUT_SECONDS = 120;

  private Chromium() {}

  /** Opens {@code report} and checks it; returns the screenshot's path. */
  static Path check(Path report, String name) throws IOException, InterruptedException {
    String binary = binary();
    Path profile = Files.createTempDirectory("mnv2-chromium");
    String url = report.toUri().toString();
    List<String> common =
        List.of(
            binary,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--hide-scrollbars",
            "--user-data-dir=" + profile,
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=10000");
    List<String> dump = new ArrayList<>(common);
    dump.addAll(List.of("--window-size=1366,900", "--dump-dom", url));
    Result dom = run(dump);
    List<String> console = new ArrayList<>();
    for (String line : dom.stderr().split("\n")) {
      if (line.contains("CONSOLE") || line.contains("Uncaught")) {
        console.add(line);
      }
    }
    assertThat(console).as("console messages of " + report).isEmpty();
    Matcher body = Pattern.compile("<body([^>]*)>").matcher(dom.stdout());
    assertThat(body.find()).as("a <body> in the DOM Chromium dumped for " + report).isTrue();
    assertThat(body.group(1))
        .as("the page's own image check (every chart and thumbnail loaded)")
        .contains("data-check=\"ok\"");
    long images = Pattern.compile("<img ").matcher(Files.readString(report)).results().count();
    assertThat(body.group(1)).contains("data-images=\"" + images + "\"");

    Path dir = SparkTestBase.projectRoot().resolve("jobs/target/report-screenshots");
    Files.createDirectories(dir);
    Path screenshot = dir.resolve(name + ".png");
    Path tall = dir.resolve(name + "-full.png");
    Files.deleteIfExists(screenshot);
    for (Object[] shot : new Object[][] {{screenshot, "1366,900"}, {tall, "1366,5200"}}) {
      List<String> args = new ArrayList<>(common);
      args.addAll(List.of("--window-size=" + shot[1], "--screenshot=" + shot[0], url));
      run(args);
    }
    assertThat(screenshot).as("screenshot of " + report).exists();
    assertThat(Files.size(screenshot)).isGreaterThan(10_000);
    return screenshot;
  }

  private record Result(String stdout, String stderr) {}

  private static Result run(List<String> command) throws IOException, InterruptedException {
    Path out = Files.createTempFile("chromium", ".out");
    Path err = Files.createTempFile("chromium", ".err");
    Process p =
        new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("Chromium did not finish within " + TIMEOUT_SECONDS + " s: " + command);
    }
    Result r =
        new Result(
            Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8));
    Files.delete(out);
    Files.delete(err);
    assertThat(p.exitValue()).as("chromium exit code; stderr: " + r.stderr()).isZero();
    return r;
  }

  static String binary() {
    String configured = System.getProperty("chromium", System.getenv("CHROMIUM"));
    if (configured != null && !configured.isBlank()) {
      return configured;
    }
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      for (String name : List.of("chromium", "chromium-browser")) {
        Path candidate = Path.of(dir, name);
        if (Files.isExecutable(candidate)) {
          return candidate.toString();
        }
      }
    }
    return fail(
        "Cannot find Chromium for the report tests: install Debian's chromium (apt-get install"
            + " chromium; scripts/test does) or set -Dchromium=PATH / CHROMIUM");
  }
}
