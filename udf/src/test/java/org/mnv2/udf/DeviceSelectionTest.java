package org.mnv2.udf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.spark.resource.ResourceInformation;
import org.junit.jupiter.api.Test;
import org.mnv2.model.PipelineException;
import org.mnv2.model.UsageException;

/** --device auto|cpu|gpu against the resources Spark gave a task. */
class DeviceSelectionTest {
  private static final Map<String, ResourceInformation> NONE = Map.of();

  private static Map<String, ResourceInformation> gpus(String... addresses) {
    return Map.of("gpu", new ResourceInformation("gpu", addresses));
  }

  @Test
  void autoTakesTheTasksFirstGpu() {
    assertThat(DeviceSelection.select(DeviceMode.AUTO, gpus("1", "3"))).isEqualTo(1);
  }

  @Test
  void autoFallsBackToCpuWithoutGpu() {
    assertThat(DeviceSelection.select(DeviceMode.AUTO, NONE)).isEqualTo(-1);
    assertThat(DeviceSelection.select(DeviceMode.AUTO, gpus())).isEqualTo(-1);
  }

  @Test
  void cpuIgnoresAssignedGpus() {
    assertThat(DeviceSelection.select(DeviceMode.CPU, gpus("0"))).isEqualTo(-1);
  }

  @Test
  void gpuTakesTheAssignedGpu() {
    assertThat(DeviceSelection.select(DeviceMode.GPU, gpus(" 2 "))).isEqualTo(2);
  }

  @Test
  void gpuWithoutGpuFailsNamingTheSettings() {
    assertThatThrownBy(() -> DeviceSelection.select(DeviceMode.GPU, NONE))
        .isInstanceOf(PipelineException.class)
        .hasMessageStartingWith("Cannot run on GPU: this task was given no GPU")
        .hasMessageContaining("spark.task.resource.gpu.amount")
        .hasMessageContaining("--device auto or cpu");
  }

  @Test
  void gpuAddressThatIsNoDeviceNumberFails() {
    assertThatThrownBy(() -> DeviceSelection.select(DeviceMode.AUTO, gpus("GPU-5e1b")))
        .isInstanceOf(PipelineException.class)
        .hasMessage(
            "Cannot run on GPU: address 'GPU-5e1b' is not a device number (expected 0, 1, ...)");
  }

  @Test
  void driverCheckRejectsGpuInLocalMode() {
    assertThatThrownBy(
            () ->
                DeviceSelection.checkGpuScheduled(
                    DeviceMode.GPU, "local[4]", Map.of(DeviceSelection.TASK_GPU_AMOUNT, "1")))
        .isInstanceOf(UsageException.class)
        .hasMessageStartingWith("Cannot run on GPU with master local[4]: local mode");
  }

  @Test
  void driverCheckRejectsGpuWithoutTaskGpuAmount() {
    assertThatThrownBy(() -> DeviceSelection.checkGpuScheduled(DeviceMode.GPU, "yarn", Map.of()))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("got no spark.task.resource.gpu.amount");
    assertThatThrownBy(
            () ->
                DeviceSelection.checkGpuScheduled(
                    DeviceMode.GPU, "yarn", Map.of(DeviceSelection.TASK_GPU_AMOUNT, "0")))
        .hasMessageContaining("got spark.task.resource.gpu.amount=0");
  }

  @Test
  void driverCheckAcceptsScheduledGpusAndOtherModes() {
    assertThatCode(
            () ->
                DeviceSelection.checkGpuScheduled(
                    DeviceMode.GPU,
                    "spark://10.0.0.1:7077",
                    Map.of(DeviceSelection.TASK_GPU_AMOUNT, "0.25")))
        .doesNotThrowAnyException();
    assertThatCode(() -> DeviceSelection.checkGpuScheduled(DeviceMode.AUTO, "local[2]", Map.of()))
        .doesNotThrowAnyException();
    assertThatCode(() -> DeviceSelection.checkGpuScheduled(DeviceMode.CPU, "local[2]", Map.of()))
        .doesNotThrowAnyException();
  }

  @Test
  void parsesDeviceOptionAndNamesTheChoices() {
    assertThat(DeviceMode.parse(" GPU ")).isEqualTo(DeviceMode.GPU);
    assertThatThrownBy(() -> DeviceMode.parse("cuda"))
        .isInstanceOf(UsageException.class)
        .hasMessage("Cannot use --device 'cuda' (expected one of auto, cpu, gpu)");
  }
}
