package org.mnv2.jobs.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.mnv2.jobs.ClassifyJob;
import org.mnv2.jobs.EvalCocoJob;
import org.mnv2.jobs.EvalVocJob;
import org.mnv2.jobs.conf.EvalCocoConf;
import org.mnv2.jobs.conf.EvalVocConf;
import org.mnv2.jobs.conf.InferenceConf;
import org.mnv2.jobs.conf.JobSettings;
import org.mnv2.jobs.conf.OutputMode;
import org.mnv2.jobs.run.RunSummary;
import org.mnv2.model.spec.LocalResources;
import org.mnv2.model.spec.ModelSpec;
import org.mnv2.model.spec.ModelSpecLoader;
import org.mnv2.synth.SynthGenerator;
import org.mnv2.udf.DeviceMode;
import org.mnv2.udf.TaskOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code pipeline demo}: the embedded default, with nothing from outside the repository: generate a
 * synthetic set, run the project's own models on local Spark, evaluate, and print what happened.
 * Always overwrites its own output folder.
 */
@Command(
    name = "demo",
    description = "Run the main job on the embedded default: synthetic data, the project's models.")
public final class DemoCommand extends SparkCommand {
  /** Held out: the training script uses other seeds. */
  public static final long DEMO_SEED = 20_261_128L;

  @Option(
      names = "--output",
      defaultValue = "demo-output",
      description = "output folder (default: ${DEFAULT-VALUE})")
  Path output;

  @Option(names = "--images", defaultValue = "300", description = "synthetic images (default 300)")
  int images;

  @Override
  Run prepare(JobSettings settings) {
    Path data = output.resolve("data");
    System.out.println("demo: generating " + images + " synthetic images in " + data);
    SynthGenerator.generate(data, images, DEMO_SEED);
    ModelSpecLoader specs = new ModelSpecLoader(new LocalResources());
    Defaults defaults = new Defaults(settings);
    return spark -> {
      List<String> lines = new ArrayList<>();
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
      report(c, lines);

      ModelSpec detector =
          trained(specs, ModelSpecLoader.modelsDir(), DetectCommand.DEFAULT_MODEL, lines);
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
        report(d, lines);
      }

      ModelSpec segmenter =
          trained(specs, ModelSpecLoader.modelsDir(), SegmentCommand.DEFAULT_MODEL, lines);
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
        report(v.summary(), lines);
      }
      lines.add(0, "");
      lines.add(1, "demo finished; outputs under " + output.toAbsolutePath());
      return lines;
    };
  }

  /** The line naming a run's report.html, when it wrote one. */
  private static void report(RunSummary summary, List<String> lines) {
    Path report = Path.of(summary.output(), "report.html").toAbsolutePath();
    if (Files.isRegularFile(report)) {
      lines.add("  report: " + report);
    }
  }

  private String child(String name) {
    return output.resolve(name).toString();
  }

  /**
   * A shipped model spec, or null (said in the summary) when its model is not trained yet: no spec
   * in conf/models, or a spec whose ONNX file is not there. Any other problem with the spec (a
   * malformed file, a wrong field) is an error, not "not trained".
   */
  static ModelSpec trained(ModelSpecLoader specs, Path modelsDir, String name, List<String> lines) {
    LocalResources local = new LocalResources();
    Path file = modelsDir.resolve(name + ".yaml");
    String location =
        Files.isRegularFile(file)
            ? file.toString()
            : local.exists(LocalResources.CLASSPATH + "models/" + name + ".yaml") ? name : null;
    ModelSpec loaded = location == null ? null : specs.load(location, null);
    if (loaded == null || !local.exists(loaded.uri())) {
      lines.add(name + ": skipped, no trained model in conf/models (run scripts/train-models)");
      return null;
    }
    return loaded;
  }

  /** The demo's inference settings: the job defaults, always overwriting. */
  private record Defaults(JobSettings settings) {
    InferenceConf conf(String input, String out, ModelSpec spec) {
      return new InferenceConf(
          input,
          false,
          out,
          OutputMode.OVERWRITE,
          spec,
          settings.batchSize(null),
          settings.imagesPerPartition(null),
          1,
          DeviceMode.AUTO,
          settings.readAhead(null, null),
          TaskOptions.defaults(),
          null);
    }
  }
}
