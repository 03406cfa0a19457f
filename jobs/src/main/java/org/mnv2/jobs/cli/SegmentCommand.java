package org.mnv2.jobs.cli;

import org.apache.spark.sql.SparkSession;
import org.mnv2.jobs.SegmentJob;
import org.mnv2.jobs.conf.InferenceConf;
import org.mnv2.jobs.conf.JobSettings;
import org.mnv2.jobs.run.RunSummary;
import org.mnv2.model.spec.Task;
import org.mnv2.udf.TaskOptions;
import picocli.CommandLine.Command;

/** {@code pipeline segment}: see {@link SegmentJob}. */
@Command(
    name = "segment",
    description =
        "Segment every image under --input; write predictions/ (mask_png, class_pixels) and"
            + " summary.json.")
public final class SegmentCommand extends InferenceCommand {
  static final String DEFAULT_MODEL = "synth-deeplabv3";

  public SegmentCommand() {
    super(Task.SEGMENTATION, DEFAULT_MODEL);
  }

  @Override
  TaskOptions taskOptions(JobSettings settings) {
    return TaskOptions.defaults();
  }

  @Override
  RunSummary run(SparkSession spark, InferenceConf conf) {
    return SegmentJob.run(spark, conf);
  }
}
