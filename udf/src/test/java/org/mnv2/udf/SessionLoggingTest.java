package org.mnv2.udf;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnv2.model.runtime.OnnxSession;
import org.mnv2.model.runtime.SessionOptions;
import org.mnv2.model.spec.LocalResources;
import org.mnv2.model.spec.ModelSpec;
import org.mnv2.model.spec.ModelSpecLoader;

/**
 * What a CPU run logs about its device with the shipped conf/log4j2.properties: no warning from
 * DJL's CUDA probe, one INFO line naming the CPU. A child JVM, because DJL probes once per JVM.
 */
class SessionLoggingTest {

  /** Opens two CPU sessions on the project's small classifier. */
  public static void main(String[] args) throws IOException {
    Path root = Path.of(args[0]);
    System.setProperty("mnv2.models.dir", root.resolve("conf/models").toString());
    ModelSpec spec = new ModelSpecLoader(new LocalResources()).load("synth-mobilenetv2", null);
    byte[] onnx = Files.readAllBytes(root.resolve("conf/models/synth-mobilenetv2.onnx"));
    for (int threads = 1; threads <= 2; threads++) {
      OnnxSession.open(spec, onnx, SessionOptions.cpu(threads)).close();
    }
  }

  @Test
  void aCpuRunNamesItsDeviceOnceAndDoesNotWarnAboutCuda(@TempDir Path dir) throws Exception {
    Path root = Path.of(System.getProperty("project.root", "..")).toAbsolutePath().normalize();
    Path log = dir.resolve("child.log");
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-Dlog4j2.configurationFile=" + root.resolve("conf/log4j2.properties"),
                "-cp",
                System.getProperty("java.class.path"),
                SessionLoggingTest.class.getName(),
                root.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    assertThat(p.waitFor(2, TimeUnit.MINUTES)).as("child JVM finished").isTrue();
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);

    assertThat(p.exitValue()).as("exit code; log:\n%s", String.join("\n", lines)).isZero();
    assertThat(lines).noneMatch(line -> line.contains("CUDA is not supported"));
    assertThat(lines).noneMatch(line -> line.contains(" WARN "));
    assertThat(lines)
        .filteredOn(line -> line.contains("ONNX Runtime runs models on"))
        .singleElement(InstanceOfAssertFactories.STRING)
        .contains(" INFO ")
        .endsWith("ONNX Runtime runs models on the CPU in this JVM (CPU execution provider)");
    assertThat(lines)
        .filteredOn(
            line -> line.contains("Opened ONNX Runtime session for synth-mobilenetv2 on the CPU"))
        .hasSize(2);
  }
}
