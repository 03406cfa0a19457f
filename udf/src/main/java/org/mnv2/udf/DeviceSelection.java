package org.mnv2.udf;

import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.mnv2.model.PipelineException;
import org.mnv2.model.UsageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks the device of a task from Spark's resource scheduling: the first GPU address Spark assigned
 * to the task ({@code spark.task.resource.gpu.amount}), or the CPU.
 */
public final class DeviceSelection {
  private static final Logger LOG = LoggerFactory.getLogger(DeviceSelection.class);
  private static final AtomicBoolean LOGGED_CPU_FALLBACK = new AtomicBoolean();

  private DeviceSelection() {}

  /** The device of the current Spark task (or the driver): -1 for CPU, else a GPU id. */
  public static int forCurrentTask(DeviceMode mode) {
    TaskContext task = TaskContext.get();
    Map<String, ResourceInformation> resources = task == null ? Map.of() : task.resourcesJMap();
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
        if (!LOGGED_CPU_FALLBACK.getAndSet(true)) {
          LOG.info("No GPU assigned to this executor's tasks; running on CPU (--device auto)");
        }
        return -1;
    }
  }

  /** The Spark setting that gives each task a share of a GPU. */
  public static final String TASK_GPU_AMOUNT = "spark.task.resource.gpu.amount";

  /**
   * Fails fast on the driver, before any Spark work, when {@code --device gpu} is asked of a
   * session that assigns no GPUs to tasks: local mode (it schedules no task resources) or no
   * {@value #TASK_GPU_AMOUNT}.
   *
   * @param sparkConf the session's Spark settings
   */
  public static void checkGpuScheduled(
      DeviceMode mode, String master, Map<String, String> sparkConf) {
    if (mode != DeviceMode.GPU) {
      return;
    }
    if (master != null && (master.equals("local") || master.startsWith("local["))) {
      throw new UsageException(
          "Cannot run on GPU with master "
              + master
              + ": local mode assigns no GPUs to tasks (expected a cluster master with"
              + " spark.executor.resource.gpu.amount and "
              + TASK_GPU_AMOUNT
              + "); use --device auto or cpu");
    }
    String amount = sparkConf.get(TASK_GPU_AMOUNT);
    double share;
    try {
      share = amount == null ? 0 : Double.parseDouble(amount.trim());
    } catch (NumberFormatException e) {
      share = 0;
    }
    if (!(share > 0)) {
      throw new UsageException(
          "Cannot run on GPU: tasks are given no GPU (expected "
              + TASK_GPU_AMOUNT
              + " > 0 with spark.executor.resource.gpu.amount and a discovery script, got "
              + (amount == null ? "no " + TASK_GPU_AMOUNT : TASK_GPU_AMOUNT + "=" + amount)
              + "); use --device auto or cpu");
    }
  }

  private static int parseAddress(String address) {
    try {
      return Integer.parseInt(address.trim());
    } catch (NumberFormatException e) {
      throw new PipelineException(
          "Cannot run on GPU: address '"
              + address
              + "' is not a device number (expected 0, 1, ...)");
    }
  }
}
