package org.mnv2.jobs;

import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.mnv2.eval.coco.CocoStats;
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
final class EvalCocoCommand implements Callable<Integer> {
  @Mixin CommonOptions common;
  @Mixin ModelOptions modelOptions;
  @Mixin DetectionOptions detection;

  @Option(names = "--annotations", required = true, description = "COCO instances JSON file URI")
  String annotations;

  @Option(names = "--images", description = "images to run --model on (matched by file name)")
  String images;

  @Option(names = "--detections", description = "COCO results JSON file to evaluate")
  String detections;

  @Option(names = "--output", required = true, description = "output folder URI")
  String output;

  @Option(names = "--batch-size", description = "images per ONNX Runtime call (default 8)")
  Integer batchSize;

  @Option(
      names = "--images-per-partition",
      description = "images per Spark partition (default 128)")
  Integer imagesPerPartition;

  @Option(
      names = "--threads",
      description = "ONNX Runtime intra-op threads per task (default spark.task.cpus)")
  Integer threads;

  @Option(names = "--device", description = "auto (default), cpu or gpu")
  String device;

  @Override
  public Integer call() {
    JobSettings settings = common.settings();
    OutputMode mode = common.outputMode();
    if ((images == null) == (detections == null)) {
      throw new UsageException(
          "Cannot evaluate: give either --detections FILE or --images URI --model SPEC (expected"
              + " exactly one of --images and --detections)");
    }
    if (detections != null && (modelOptions.model != null || modelOptions.modelUri != null)) {
      throw new UsageException(
          "Cannot evaluate: --model and --model-uri apply to --images only (got --detections)");
    }
    ModelSpec early = null;
    InferenceConf inference = null;
    if (images != null) {
      early = modelOptions.loadEarly(DetectCommand.DEFAULT_MODEL);
      ClassifyCommand.checkTask(early, Task.DETECTION);
      inference =
          inferenceOptions()
              .conf(common.conf, settings, mode, early, detection.taskOptions(settings), null);
    }
    SparkSession spark = SparkSessions.create("mnv2 eval-coco", common.master, common.conf);
    try {
      EvalCocoConf conf;
      if (inference != null) {
        ModelSpec spec = modelOptions.load(spark, DetectCommand.DEFAULT_MODEL, early);
        ClassifyCommand.checkTask(spec, Task.DETECTION);
        conf = EvalCocoConf.ofModel(annotations, inference.withSpec(spec));
      } else {
        conf = EvalCocoConf.ofDetections(annotations, detections, output, mode);
      }
      RunSummary summary = EvalCocoJob.run(spark, conf);
      if (inference != null) {
        System.out.println(Summaries.oneLine(summary));
      }
      statsLines(summary).forEach(System.out::println);
      System.out.println("metrics: " + summary.output() + "/metrics.json");
      return PipelineCli.OK;
    } finally {
      spark.stop();
    }
  }

  private InferenceOptions inferenceOptions() {
    InferenceOptions o = new InferenceOptions();
    o.input = images;
    o.output = output;
    o.batchSize = batchSize;
    o.imagesPerPartition = imagesPerPartition;
    o.threads = threads;
    o.device = device;
    return o;
  }

  /** The 12 stats as pycocotools' summarize() prints them. */
  static List<String> statsLines(RunSummary summary) {
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
    String[] lines = new String[what.length];
    for (int i = 0; i < what.length; i++) {
      lines[i] =
          String.format(
              " %s = %.3f  (%s %s)",
              what[i],
              (Double) summary.metrics().get(names.get(i)),
              names.get(i),
              summary.metrics().get(names.get(i)));
    }
    return List.of(lines);
  }
}
