package org.mnv2.jobs;

import org.apache.spark.sql.SparkSession;

/** Runs the inference job that fits a spec's task (for tools such as the benchmark). */
public final class Jobs {
  private Jobs() {}

  /** Runs the predictions part of classify / detect / segment for {@code conf.spec()}. */
  public static RunSummary run(SparkSession spark, InferenceConf conf) {
    InferencePipeline.Result result =
        InferencePipeline.run(spark, conf, conf.spec().task().name().toLowerCase());
    InferencePipeline.writeSummary(result.output(), result.summary());
    return result.summary();
  }
}
