package org.mnv2.udf;

import java.util.Map;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.mnv2.model.PipelineException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks the device of a task from Spark's resource scheduling: the first GPU address Spark
 * assigned to the task ({@code spark.task.resource.gpu.amount}), or the CPU.
 */
public final class DeviceSelection {
  private static final Logger LOG = LoggerFactory.getLogger(DeviceSelection.class);

  private DeviceSelection() {}

  /** The device of the current Spark task (or the driver): -1 for CPU, else a GPU id. */
  public static int forCurrentTask(DeviceMode mode) {
    TaskContext task = TaskContext.get();
    Map<String, ResourceInformation> resources =
        task == null ? Map.of() : task.resourcesJMap();
    return select(mode, resources);
  }

  /** The device for {@code mode} given the task's resources: -1 for CPU, else a GPU id. */
  public static int select(DeviceMode mode, Map<String, ResourceInformation> resources) {
    ResourceInformation gpu = resources.get("gpu");
    boolean hasGpu = gpu != null && gpu.addresses().length > 0;
    switch (mode) {
      case CPU:
        return -1;
      case GPU:
        if (!hasGpu) {
          throw new PipelineException(
              "Cannot run on GPU: this task was given no GPU (expected"
                  + " spark.executor.resource.gpu.amount and spark.task.resource.gpu.amount > 0,"
                  + " got resources "
                  + resources.keySet()
                  + "); use --device auto or cpu");
        }
        return parseAddress(gpu.addresses()[0]);
      default:
        if (hasGpu) {
          return parseAddress(gpu.addresses()[0]);
        }
        LOG.debug("No GPU assigned to this task; running on CPU (--device auto)");
        return -1;
    }
  }

  private static int parseAddress(String address) {
    try {
      return Integer.parseInt(address.trim());
    } catch (NumberFormatException e) {
      throw new PipelineException(
          "Cannot run on GPU: address '" + address + "' is not a device number (expected 0, 1, ...)");
    }
  }
}
