package org.mnv2.jobs.cli;

import java.util.List;
import org.mnv2.jobs.LabelJob;
import org.mnv2.jobs.conf.InferenceConf;
import org.mnv2.jobs.conf.JobSettings;
import org.mnv2.jobs.conf.LabelConf;
import org.mnv2.jobs.conf.OutputMode;
import org.mnv2.jobs.run.RunSummary;
import org.mnv2.model.spec.ModelSpec;
import org.mnv2.udf.TaskOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pipeline label}: see {@link LabelJob}. */
@Command(
    name = LabelJob.COMMAND,
    description =
        "Label the images under --input that this model has not labelled yet; append them to"
            + " predictions/, add a record to runs/, write summary.json. Safe to rerun and to kill.")
public final class LabelCommand extends SparkCommand {
  @Mixin InputOptions input;
  @Mixin OutputOptions output;
  @Mixin ModelOptions model;
  @Mixin RuntimeOptions runtime;
  @Mixin ClassificationOptions classification;
  @Mixin DetectionOptions detection;

  @Option(
      names = "--max-images-per-run",
      description = "label at most this many new images per run (default: all of them)")
  Integer maxImagesPerRun;

  @Option(
      names = "--retry-errors",
      description = "also label again the images whose rows of this model are errors")
  boolean retryErrors;

  @Override
  Run prepare(JobSettings settings) {
    String uri = input.uri();
    ModelSpec early = model.loadEarly(ClassifyCommand.DEFAULT_MODEL, null);
    TaskOptions detectionOptions = detection.taskOptions(settings);
    TaskOptions options =
        new TaskOptions(
            settings.topK(classification.topK),
            detectionOptions.scoreThreshold(),
            detectionOptions.maxDetections());
    InferenceConf inference =
        runtime.conf(
            settings, uri, input.manifest(), output.output, OutputMode.ERROR, early, options, null);
    int max = maxImagesPerRun == null ? 0 : maxImagesPerRun;
    int perBatch = settings.labelImagesPerBatch();
    return spark -> {
      ModelSpec spec = model.load(spark, ClassifyCommand.DEFAULT_MODEL, null, early);
      LabelConf conf =
          LabelConf.of(inference.withSpec(spec))
              .withMaxImagesPerRun(max)
              .withImagesPerBatch(perBatch);
      RunSummary summary = LabelJob.run(spark, conf);
      if (summary.images() == 0) {
        return List.of(
            "label: no new images under "
                + uri
                + " for "
                + spec.name()
                + " ("
                + summary.metrics().get("model_sha256")
                + "); nothing to do");
      }
      return List.of(Summaries.oneLine(summary));
    };
  }
}
