package org.mnv2.jobs.cli;

import java.util.ArrayList;
import java.util.List;
import org.mnv2.eval.coco.CocoStats;
import org.mnv2.jobs.EvalCocoJob;
import org.mnv2.jobs.conf.EvalCocoConf;
import org.mnv2.jobs.conf.InferenceConf;
import org.mnv2.jobs.conf.JobSettings;
import org.mnv2.jobs.run.RunSummary;
import org.mnv2.model.UsageException;
import org.mnv2.model.spec.ModelSpec;
import org.mnv2.model.spec.Task;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pipeline eval-coco}: see {@link EvalCocoJob}. */
@Command(
    name = "eval-coco",
    description =
        "COCO bbox evaluation (pycocotools-exact) of a results file or of a model run over images;"
            + " write metrics.json, metrics/, detections.json and summary.json.")
public final class EvalCocoCommand extends SparkCommand {
  @Mixin OutputOptions output;
  @Mixin ModeOptions mode;
  @Mixin ModelOptions model;
  @Mixin RuntimeOptions runtime;
  @Mixin DetectionOptions detection;

  @Option(names = "--annotations", required = true, description = "COCO instances JSON file URI")
  String annotations;

  @Option(names = "--images", description = "images to run --model on (matched by file name)")
  String images;

  @Option(names = "--detections", description = "COCO results JSON file to evaluate")
  String detections;

  @Override
  Run prepare(JobSettings settings) {
    EvalCocoConf.requireOneSource(detections != null, images != null);
    if (detections != null && model.given()) {
      throw new UsageException(
          "Cannot evaluate: --model and --model-uri apply to --images only (got --detections)");
    }
    if (detections != null) {
      EvalCocoConf conf =
          EvalCocoConf.ofDetections(annotations, detections, output.output, mode.mode());
      boolean report = settings.report();
      return spark -> {
        RunSummary summary = EvalCocoJob.run(spark, conf);
        return InferenceCommand.concat(
            statsLines(summary, false), Summaries.reportLine(summary, report));
      };
    }
    ModelSpec early = model.loadEarly(DetectCommand.DEFAULT_MODEL, Task.DETECTION);
    InferenceConf inference =
        runtime.conf(
            settings,
            images,
            false,
            output.output,
            mode.mode(),
            early,
            detection.taskOptions(settings),
            null);
    return spark -> {
      ModelSpec spec = model.load(spark, DetectCommand.DEFAULT_MODEL, Task.DETECTION, early);
      RunSummary summary =
          EvalCocoJob.run(spark, EvalCocoConf.ofModel(annotations, inference.withSpec(spec)));
      return InferenceCommand.concat(
          statsLines(summary, true), Summaries.reportLine(summary, settings.report()));
    };
  }

  /** The summary line when a model ran, the 12 stats as pycocotools prints them, the metrics. */
  static List<String> statsLines(RunSummary summary, boolean modelRan) {
    String[] what = {
      "Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ]",
      "Average Precision  (AP) @[ IoU=0.50      | area=   all | maxDets=100 ]",
      "Average Precision  (AP) @[ IoU=0.75      | area=   all | maxDets=100 ]",
      "Average Precision  (AP) @[ IoU=0.50:0.95 | area= small | maxDets=100 ]",
      "Average Precision  (AP) @[ IoU=0.50:0.95 | area=medium | maxDets=100 ]",
      "Average Precision  (AP) @[ IoU=0.50:0.95 | area= large | maxDets=100 ]",
      "Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | maxDets=  1 ]",
      "Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | maxDets= 10 ]",
      "Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ]",
      "Average Recall     (AR) @[ IoU=0.50:0.95 | area= small | maxDets=100 ]",
      "Average Recall     (AR) @[ IoU=0.50:0.95 | area=medium | maxDets=100 ]",
      "Average Recall     (AR) @[ IoU=0.50:0.95 | area= large | maxDets=100 ]"
    };
    List<String> names = CocoStats.NAMES;
    List<String> lines = new ArrayList<>();
    if (modelRan) {
      lines.add(Summaries.oneLine(summary));
    }
    for (int i = 0; i < what.length; i++) {
      lines.add(
          String.format(
              " %s = %.3f  (%s %s)",
              what[i],
              (Double) summary.metrics().get(names.get(i)),
              names.get(i),
              summary.metrics().get(names.get(i))));
    }
    lines.add("metrics: " + summary.output() + "/metrics.json");
    return lines;
  }
}
