package org.mnv2.jobs.cli;

import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.mnv2.jobs.ClassifyJob;
import org.mnv2.jobs.conf.InferenceConf;
import org.mnv2.jobs.conf.JobSettings;
import org.mnv2.jobs.run.RunSummary;
import org.mnv2.model.spec.Task;
import org.mnv2.udf.TaskOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pipeline classify}: see {@link ClassifyJob}. */
@Command(
    name = "classify",
    description = "Classify every image under --input; write predictions/ and summary.json.")
public final class ClassifyCommand extends InferenceCommand {
  static final String DEFAULT_MODEL = "synth-mobilenetv2";

  public ClassifyCommand() {
    super(Task.CLASSIFICATION, DEFAULT_MODEL);
  }

  @Mixin ClassificationOptions classification;

  @Option(
      names = "--labels",
      description = "CSV (file,class_index) to report top-1/top-5 accuracy against")
  String labelsUri;

  @Override
  TaskOptions taskOptions(JobSettings settings) {
    return new TaskOptions(settings.topK(classification.topK), Double.NaN, 0);
  }

  @Override
  String labels() {
    return labelsUri;
  }

  @Override
  RunSummary run(SparkSession spark, InferenceConf conf) {
    return ClassifyJob.run(spark, conf);
  }

  @Override
  List<String> details(RunSummary summary, JobSettings settings) {
    return Summaries.reportLine(summary, labelsUri != null && settings.report());
  }
}
