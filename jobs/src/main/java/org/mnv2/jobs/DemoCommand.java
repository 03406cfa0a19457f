package org.mnv2.jobs;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.mnv2.model.spec.LocalResources;
import org.mnv2.model.spec.ModelSpec;
import org.mnv2.model.spec.ModelSpecLoader;
import org.mnv2.synth.SynthGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code pipeline demo}: the embedded default, with nothing from outside the repository: generate a
 * synthetic set, run the project's own models on local Spark, evaluate, and print what happened.
 * Always overwrites its own output folder.
 */
@Command(
    name = "demo",
    description = "Run the main job on the embedded default: synthetic data, the project's models.")
final class DemoCommand implements Callable<Integer> {
  /** Held out: the training script uses other seeds. */
  static final long DEMO_SEED = 20_261_128L;

  @Mixin CommonOptions common;

  @Option(
      names = "--output",
      defaultValue = "demo-output",
      description = "output folder (default: ${DEFAULT-VALUE})")
  Path output;

  @Option(names = "--images", defaultValue = "300", description = "synthetic images (default 300)")
  int images;

  @Override
  public Integer call() {
    JobSettings settings = common.settings();
    Path data = output.resolve("data");
    System.out.println("demo: generating " + images + " synthetic images in " + data);
    SynthGenerator.generate(data, images, DEMO_SEED);
    ModelSpecLoader specs = new ModelSpecLoader(new LocalResources());
    InferenceOptionsDefaults defaults = new InferenceOptionsDefaults(settings);
    SparkSession spark = SparkSessions.create("mnv2 demo", common.master, common.conf);
    List<String> lines = new ArrayList<>();
    try {
      ModelSpec classifier = specs.load(ClassifyCommand.DEFAULT_MODEL, null);
      RunSummary c =
          ClassifyJob.run(
              spark,
              defaults
                  .conf(data.resolve("images").toString(), child("classify"), classifier)
                  .withLabels(data.resolve("labels.csv").toString()));
      lines.add(Summaries.oneLine(c));
      lines.add(
          String.format(
              "  accuracy on the labelled set: top-1 %.3f, top-5 %.3f (%s images)",
              c.metrics().get("top1"),
              c.metrics().get("top5"),
              c.metrics().get("labelled_images")));

      ModelSpec detector = trained(specs, DetectCommand.DEFAULT_MODEL, lines);
      if (detector != null) {
        RunSummary d =
            EvalCocoJob.run(
                spark,
                EvalCocoConf.ofModel(
                    data.resolve("instances.json").toString(),
                    defaults.conf(data.resolve("images").toString(), child("detect"), detector)));
        lines.add(Summaries.oneLine(d));
        lines.add(
            String.format(
                "  COCO evaluation: AP %.3f, AP50 %.3f, AP75 %.3f, AR100 %.3f",
                d.metrics().get("AP"),
                d.metrics().get("AP50"),
                d.metrics().get("AP75"),
                d.metrics().get("AR100")));
      }

      ModelSpec segmenter = trained(specs, SegmentCommand.DEFAULT_MODEL, lines);
      if (segmenter != null) {
        EvalVocJob.Result v =
            EvalVocJob.run(
                spark,
                EvalVocConf.withModel(
                    data.resolve("voc").toString(),
                    "val",
                    defaults.conf(data.resolve("voc").toString(), child("segment"), segmenter)));
        lines.add(Summaries.oneLine(v.summary()));
        lines.add(
            String.format(
                "  VOC evaluation: mIoU %.3f, pixel accuracy %.3f, mean class accuracy %.3f",
                v.metrics().meanIoU(),
                v.metrics().pixelAccuracy(),
                v.metrics().meanClassAccuracy()));
      }
    } finally {
      spark.stop();
    }
    System.out.println();
    System.out.println("demo finished; outputs under " + output.toAbsolutePath());
    lines.forEach(System.out::println);
    return PipelineCli.OK;
  }

  private String child(String name) {
    return output.resolve(name).toString();
  }

  /** A shipped model spec, or null (said in the summary) when its model is not trained yet. */
  private static ModelSpec trained(ModelSpecLoader specs, String name, List<String> lines) {
    try {
      return specs.load(name, null);
    } catch (org.mnv2.model.UsageException e) {
      lines.add(name + ": skipped, no trained model in conf/models (run scripts/train-models)");
      return null;
    }
  }

  /** The demo's inference settings: the job defaults, always overwriting. */
  private record InferenceOptionsDefaults(JobSettings settings) {
    InferenceConf conf(String input, String out, ModelSpec spec) {
      return new InferenceConf(
          input,
          out,
          OutputMode.OVERWRITE,
          spec,
          settings.positiveInt(
              JobSettings.BATCH_SIZE, null, JobSettings.BATCH_SIZE_DEFAULT, "--batch-size"),
          settings.positiveInt(
              JobSettings.IMAGES_PER_PARTITION,
              null,
              JobSettings.IMAGES_PER_PARTITION_DEFAULT,
              "--images-per-partition"),
          1,
          org.mnv2.udf.DeviceMode.AUTO,
          org.mnv2.udf.TaskOptions.defaults(),
          null);
    }
  }
}
