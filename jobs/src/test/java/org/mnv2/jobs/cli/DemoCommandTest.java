package org.mnv2.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnv2.model.UsageException;
import org.mnv2.model.spec.LocalResources;
import org.mnv2.model.spec.ModelSpec;
import org.mnv2.model.spec.ModelSpecLoader;

/** The demo skips a model only when it is not trained: no spec, or a spec without its ONNX file. */
class DemoCommandTest {
  private final ModelSpecLoader specs = new ModelSpecLoader(new LocalResources());
  private final List<String> lines = new ArrayList<>();

  @Test
  void aModelWithoutSpecIsNotTrainedYet(@TempDir Path models) {
    assertThat(DemoCommand.trained(specs, models, "synth-nothing", lines)).isNull();
    assertThat(lines)
        .containsExactly(
            "synth-nothing: skipped, no trained model in conf/models (run scripts/train-models)");
  }

  @Test
  void aSpecWithoutItsOnnxFileIsNotTrainedYet(@TempDir Path models) throws Exception {
    Path shipped = ModelSpecLoader.modelsDir().resolve("synth-ssdlite.yaml");
    Files.copy(shipped, models.resolve("synth-ssdlite.yaml"));
    Files.copy(shipped.resolveSibling("synth-classes.txt"), models.resolve("synth-classes.txt"));

    assertThat(DemoCommand.trained(specs, models, "synth-ssdlite", lines)).isNull();
    assertThat(lines).hasSize(1);
  }

  @Test
  void aMalformedSpecIsAnErrorNotAnUntrainedModel(@TempDir Path models) throws Exception {
    Files.writeString(models.resolve("synth-ssdlite.yaml"), "name: synth-ssdlite\ntask: [\n");

    assertThatThrownBy(() -> DemoCommand.trained(specs, models, "synth-ssdlite", lines))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("Cannot read model spec");
    assertThat(lines).isEmpty();
  }

  @Test
  void aTrainedModelIsLoaded() {
    ModelSpec spec =
        DemoCommand.trained(specs, ModelSpecLoader.modelsDir(), "synth-ssdlite", lines);
    assertThat(spec.name()).isEqualTo("synth-ssdlite");
    assertThat(lines).isEmpty();
  }
}
