package org.mnv2.jobs.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.mnv2.jobs.EvalVocJob;
import org.mnv2.jobs.conf.EvalVocConf;
import org.mnv2.jobs.conf.InferenceConf;
import org.mnv2.jobs.conf.JobSettings;
import org.mnv2.jobs.run.RunSummary;
import org.mnv2.jobs.storage.HadoopVocFiles;
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
public final class EvalVocCommand extends SparkCommand {
  @Mixin OutputOptions output;
  @Mixin ModeOptions mode;
  @Mixin ModelOptions model;
  @Mixin RuntimeOptions runtime;

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

  @Option(
      names = "--predictions",
      description = "folder of palette PNGs named like the ground truth (<id>.png)")
  String predictions;

  @Option(
      names = "--labels",
      description = "with --predictions: class names, one per line (default: the 21 VOC classes)")
  String labels;

  @Override
  Run prepare(JobSettings settings) {
    // eval-voc has no default model: --model (or --predictions) says what to evaluate.
    EvalVocConf.requireOneSource(vocRoot, model.model != null, predictions != null);
    if (labels != null && model.model != null) {
      throw new UsageException(
          "Cannot use --labels with --model (expected the model spec's labels to name the classes)");
    }
    ModelSpec early = model.model == null ? null : model.loadEarly(null, Task.SEGMENTATION);
    InferenceConf modelConf =
        runtime.conf(
            settings,
            vocRoot,
            false,
            output.output,
            mode.mode(),
            early,
            TaskOptions.defaults(),
            null);
    return spark -> {
      EvalVocConf conf;
      if (model.model != null) {
        ModelSpec spec = model.load(spark, null, Task.SEGMENTATION, early);
        conf = EvalVocConf.withModel(vocRoot, split, modelConf.withSpec(spec));
      } else {
        conf =
            new EvalVocConf(
                vocRoot,
                split,
                output.output,
                mode.mode(),
                null,
                predictions,
                labels == null ? List.of() : readLabels(spark, labels),
                modelConf.imagesPerPartition());
      }
      EvalVocJob.Result result = EvalVocJob.run(spark, conf);
      return InferenceCommand.concat(
          List.of(oneLine(result)), Summaries.reportLine(result.summary(), settings.report()));
    };
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
