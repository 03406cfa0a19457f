package org.mnv2.jobs;

import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.mnv2.model.spec.ModelSpec;
import org.mnv2.model.spec.Task;
import org.mnv2.udf.TaskOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code pipeline segment}: see {@link SegmentJob}. */
@Command(
    name = "segment",
    description =
        "Segment every image under --input; write predictions/ (mask_png, class_pixels) and"
            + " summary.json.")
final class SegmentCommand implements Callable<Integer> {
  static final String DEFAULT_MODEL = "synth-deeplabv3";

  @Mixin CommonOptions common;
  @Mixin ModelOptions modelOptions;
  @Mixin InferenceOptions inference;

  @Override
  public Integer call() {
    JobSettings settings = common.settings();
    OutputMode mode = common.outputMode();
    ModelSpec early = modelOptions.loadEarly(DEFAULT_MODEL);
    ClassifyCommand.checkTask(early, Task.SEGMENTATION);
    InferenceConf conf =
        inference.conf(common.conf, settings, mode, early, TaskOptions.defaults(), null);
    SparkSession spark = SparkSessions.create("mnv2 segment", common.master, common.conf);
    try {
      ModelSpec spec = modelOptions.load(spark, DEFAULT_MODEL, early);
      ClassifyCommand.checkTask(spec, Task.SEGMENTATION);
      RunSummary summary = SegmentJob.run(spark, conf.withSpec(spec));
      System.out.println(Summaries.oneLine(summary));
      return PipelineCli.OK;
    } finally {
      spark.stop();
    }
  }
}
