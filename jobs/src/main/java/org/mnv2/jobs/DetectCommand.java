package org.mnv2.jobs;

import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.mnv2.model.spec.ModelSpec;
import org.mnv2.model.spec.Task;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code pipeline detect}: see {@link DetectJob}. */
@Command(
    name = "detect",
    description =
        "Detect objects in every image under --input; write predictions/ and summary.json.")
final class DetectCommand implements Callable<Integer> {
  static final String DEFAULT_MODEL = "synth-ssdlite";

  @Mixin CommonOptions common;
  @Mixin ModelOptions modelOptions;
  @Mixin InferenceOptions inference;
  @Mixin DetectionOptions detection;

  @Override
  public Integer call() {
    JobSettings settings = common.settings();
    OutputMode mode = common.outputMode();
    ModelSpec early = modelOptions.loadEarly(DEFAULT_MODEL);
    ClassifyCommand.checkTask(early, Task.DETECTION);
    InferenceConf conf =
        inference.conf(common.conf, settings, mode, early, detection.taskOptions(settings), null);
    SparkSession spark = SparkSessions.create("mnv2 detect", common.master, common.conf);
    try {
      ModelSpec spec = modelOptions.load(spark, DEFAULT_MODEL, early);
      ClassifyCommand.checkTask(spec, Task.DETECTION);
      RunSummary summary = DetectJob.run(spark, conf.withSpec(spec));
      System.out.println(Summaries.oneLine(summary));
      System.out.println("  detections: " + summary.metrics().get("detections"));
      return PipelineCli.OK;
    } finally {
      spark.stop();
    }
  }
}
