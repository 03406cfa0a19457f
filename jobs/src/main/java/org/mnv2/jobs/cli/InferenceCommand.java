package org.mnv2.jobs.cli;

import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.mnv2.jobs.conf.InferenceConf;
import org.mnv2.jobs.conf.JobSettings;
import org.mnv2.jobs.run.RunSummary;
import org.mnv2.model.spec.ModelSpec;
import org.mnv2.model.spec.Task;
import org.mnv2.udf.TaskOptions;
import picocli.CommandLine.Mixin;

/** classify, detect and segment: a model of one task over the images under {@code --input}. */
abstract class InferenceCommand extends SparkCommand {
  @Mixin InputOptions input;
  @Mixin OutputOptions output;
  @Mixin ModeOptions mode;
  @Mixin ModelOptions model;
  @Mixin RuntimeOptions runtime;

  private final Task task;
  private final String defaultModel;

  InferenceCommand(Task task, String defaultModel) {
    this.task = task;
    this.defaultModel = defaultModel;
  }

  /** The task's postprocessing options. */
  abstract TaskOptions taskOptions(JobSettings settings);

  /** A CSV of labels to score against, or null. */
  String labels() {
    return null;
  }

  /** Runs the job on the resolved conf; returns its summary. */
  abstract RunSummary run(SparkSession spark, InferenceConf conf);

  /** Lines printed after the summary line. */
  List<String> details(RunSummary summary, JobSettings settings) {
    return List.of();
  }

  @Override
  final Run prepare(JobSettings settings) {
    ModelSpec early = model.loadEarly(defaultModel, task);
    InferenceConf conf =
        runtime.conf(
            settings,
            input.uri(),
            input.manifest(),
            output.output,
            mode.mode(),
            early,
            taskOptions(settings),
            labels());
    return spark -> {
      RunSummary summary = run(spark, conf.withSpec(model.load(spark, defaultModel, task, early)));
      return concat(Summaries.oneLine(summary), details(summary, settings));
    };
  }

  static List<String> concat(String first, List<String> rest) {
    return concat(List.of(first), rest);
  }

  static List<String> concat(List<String> first, List<String> rest) {
    List<String> lines = new java.util.ArrayList<>(first);
    lines.addAll(rest);
    return lines;
  }
}
