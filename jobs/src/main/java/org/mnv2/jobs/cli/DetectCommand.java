package org.mnv2.jobs.cli;

import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.mnv2.jobs.DetectJob;
import org.mnv2.jobs.conf.InferenceConf;
import org.mnv2.jobs.conf.JobSettings;
import org.mnv2.jobs.run.RunSummary;
import org.mnv2.model.spec.Task;
import org.mnv2.udf.TaskOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code pipeline detect}: see {@link DetectJob}. */
@Command(
    name = "detect",
    description =
        "Detect objects in every image under --input; write predictions/ and summary.json.")
public final class DetectCommand extends InferenceCommand {
  static final String DEFAULT_MODEL = "synth-ssdlite";

  public DetectCommand() {
    super(Task.DETECTION, DEFAULT_MODEL);
  }

  @Mixin DetectionOptions detection;

  @Override
  TaskOptions taskOptions(JobSettings settings) {
    return detection.taskOptions(settings);
  }

  @Override
  RunSummary run(SparkSession spark, InferenceConf conf) {
    return DetectJob.run(spark, conf);
  }

  @Override
  List<String> details(RunSummary summary, JobSettings settings) {
    return List.of("  detections: " + summary.metrics().get("detections"));
  }
}
