package org.mnv2.model.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import ai.djl.engine.Engine;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.mnv2.model.PipelineException;
import org.mnv2.model.spec.LocalResources;
import org.mnv2.model.spec.ModelSpec;
import org.mnv2.model.spec.ModelSpecLoader;

/** How sessions are placed on a GPU: thread settings, and the failure on a CPU-only build. */
class GpuSessionTest {

  @Test
  void gpuSessionsRunOneIntraOpThreadAndCpuSessionsKeepTheirs() {
    SessionOptions asked = SessionOptions.cpu(4);

    assertThat(asked.onDevice(1)).isEqualTo(new SessionOptions(1, 1));
    assertThat(asked.onDevice(-1)).isEqualTo(new SessionOptions(4, -1));
    assertThat(asked.onDevice(0).gpu()).isTrue();
  }

  @Test
  void gpuSessionOnTheCpuBuildFailsNamingTheDeviceAndTheGpuBuild() throws IOException {
    Engine.getEngine(OnnxSession.ENGINE); // DJL first, then raw ONNX Runtime calls
    assumeFalse(
        OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA),
        "this ONNX Runtime has CUDA (built with -Pgpu): the CPU-build failure cannot be shown");
    Path root = Path.of(System.getProperty("project.root", "..")).toAbsolutePath().normalize();
    ModelSpec spec =
        new ModelSpecLoader(new LocalResources())
            .load(root.resolve("conf/models/synth-mobilenetv2.yaml").toString(), null);
    byte[] onnx = Files.readAllBytes(root.resolve("conf/models/synth-mobilenetv2.onnx"));

    assertThatThrownBy(() -> OnnxSession.open(spec, onnx, new SessionOptions(1, 0)))
        .isInstanceOf(PipelineException.class)
        .hasMessageStartingWith("Cannot open model synth-mobilenetv2 on GPU 0: ")
        .hasMessageContaining("-Pgpu")
        .hasMessageContaining("--device cpu");
  }
}
