package org.mnv2.jobs;

import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.mnv2.model.UsageException;
import org.mnv2.model.spec.ModelSpec;
import org.mnv2.model.spec.Task;
import org.mnv2.udf.TaskOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pipeline classify}: see {@link ClassifyJob}. */
@Command(
    name = "classify",
    description = "Classify every image under --input; write predictions/ and summary.json.")
final class ClassifyCommand implements Callable<Integer> {
  static final String DEFAULT_MODEL = "synth-mobilenetv2";

  @Mixin CommonOptions common;
  @Mixin ModelOptions modelOptions;
  @Mixin InferenceOptions inference;

  @Option(names = "--top-k", description = "classes per image (default 5)")
  Integer topK;

  @Option(
      names = "--labels",
      description = "CSV (file,class_index) to report top-1/top-5 accuracy against")
  String labels;

  @Override
  public Integer call() {
    JobSettings settings = common.settings();
    OutputMode mode = common.outputMode();
    int k = settings.positiveInt(JobSettings.TOP_K, topK, JobSettings.TOP_K_DEFAULT, "--top-k");
    ModelSpec early = modelOptions.loadEarly(DEFAULT_MODEL);
    checkTask(early, Task.CLASSIFICATION);
    InferenceConf conf =
        inference.conf(
            common.conf, settings, mode, early, new TaskOptions(k, Double.NaN, 0), labels);
    SparkSession spark = SparkSessions.create("mnv2 classify", common.master, common.conf);
    try {
      ModelSpec spec = modelOptions.load(spark, DEFAULT_MODEL, early);
      checkTask(spec, Task.CLASSIFICATION);
      conf = conf.withSpec(spec);
      RunSummary summary = ClassifyJob.run(spark, conf);
      System.out.println(Summaries.oneLine(summary));
      return PipelineCli.OK;
    } finally {
      spark.stop();
    }
  }

  static void checkTask(ModelSpec spec, Task expected) {
    if (spec != null && spec.task() != expected) {
      throw new UsageException(
          "Cannot use model "
              + spec.name()
              + " here: it is a "
              + spec.task().name().toLowerCase()
              + " model (expected "
              + expected.name().toLowerCase()
              + ")");
    }
  }
}
