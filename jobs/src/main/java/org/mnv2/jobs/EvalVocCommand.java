package org.mnv2.jobs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.mnv2.model.UsageException;
import org.mnv2.model.spec.ModelSpec;
import org.mnv2.model.spec.Task;
import org.mnv2.udf.TaskOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pipeline eval-voc}: see {@link EvalVocJob}. */
@Command(
    name = EvalVocJob.COMMAND,
    description =
        "VOC segmentation evaluation (mIoU) of a model (--model) or of prediction PNGs"
            + " (--predictions) on a VOCdevkit split; write metrics/, metrics.json, summary.json.")
final class EvalVocCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(
      names = "--voc-root",
      required = true,
      description = "VOCdevkit-style tree: JPEGImages, SegmentationClass, ImageSets/Segmentation")
  String vocRoot;

  @Option(
      names = "--split",
      description =
          "split list ImageSets/Segmentation/<split>.txt (default val; without"
              + " ImageSets/Segmentation in the tree, every mask)")
  String split;

  @Option(names = "--model", description = "segmentation model spec to run on the split's JPEGs")
  String model;

  @Option(names = "--model-uri", description = "ONNX file replacing the spec's uri")
  String modelUri;

  @Option(
      names = "--predictions",
      description = "folder of palette PNGs named like the ground truth (<id>.png)")
  String predictions;

  @Option(
      names = "--labels",
      description = "with --predictions: class names, one per line (default: the 21 VOC classes)")
  String labels;

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
    if ((model == null) == (predictions == null)) {
      throw new UsageException(
          "Cannot evaluate "
              + vocRoot
              + ": give --model or --predictions (expected exactly one, got "
              + (model == null ? "neither" : "both")
              + ")");
    }
    if (labels != null && model != null) {
      throw new UsageException(
          "Cannot use --labels with --model (expected the model spec's labels to name the classes)");
    }
    ModelOptions modelOptions = new ModelOptions();
    modelOptions.model = model;
    modelOptions.modelUri = modelUri;
    InferenceOptions inference = new InferenceOptions();
    inference.input = vocRoot;
    inference.output = output;
    inference.batchSize = batchSize;
    inference.imagesPerPartition = imagesPerPartition;
    inference.threads = threads;
    inference.device = device;
    ModelSpec early = model == null ? null : modelOptions.loadEarly(model);
    ClassifyCommand.checkTask(early, Task.SEGMENTATION);
    InferenceConf modelConf =
        inference.conf(common.conf, settings, mode, early, TaskOptions.defaults(), null);
    SparkSession spark = SparkSessions.create("mnv2 eval-voc", common.master, common.conf);
    try {
      EvalVocConf conf;
      if (model != null) {
        ModelSpec spec = modelOptions.load(spark, model, early);
        ClassifyCommand.checkTask(spec, Task.SEGMENTATION);
        conf = EvalVocConf.withModel(vocRoot, split, modelConf.withSpec(spec));
      } else {
        conf =
            new EvalVocConf(
                vocRoot,
                split,
                output,
                mode,
                null,
                predictions,
                labels == null ? List.of() : readLabels(spark, labels),
                modelConf.imagesPerPartition());
      }
      EvalVocJob.Result result = EvalVocJob.run(spark, conf);
      System.out.println(oneLine(result));
      return PipelineCli.OK;
    } finally {
      spark.stop();
    }
  }

  private static List<String> readLabels(SparkSession spark, String uri) {
    try {
      byte[] bytes = new HadoopVocFiles(spark.sparkContext().hadoopConfiguration()).read(uri);
      List<String> names =
          new String(bytes, StandardCharsets.UTF_8)
              .lines()
              .map(String::strip)
              .filter(l -> !l.isEmpty())
              .toList();
      if (names.isEmpty()) {
        throw new UsageException("Cannot read --labels " + uri + ": no class names in it");
      }
      return names;
    } catch (IOException e) {
      throw new UsageException("Cannot read --labels " + uri + ": " + e.getMessage(), e);
    }
  }

  static String oneLine(EvalVocJob.Result r) {
    RunSummary s = r.summary();
    return String.format(
        "%s: split %s, %d images%s: mIoU %s, pixel accuracy %s, mean class accuracy %s in %.1f s"
            + " -> %s",
        s.command(),
        r.split(),
        r.metrics().images(),
        s.model() == null ? "" : " with " + s.model(),
        format(r.metrics().meanIoU()),
        format(r.metrics().pixelAccuracy()),
        format(r.metrics().meanClassAccuracy()),
        s.wallSeconds(),
        s.output());
  }

  private static String format(Double value) {
    return value == null ? "n/a" : String.format("%.4f", value);
  }
}
