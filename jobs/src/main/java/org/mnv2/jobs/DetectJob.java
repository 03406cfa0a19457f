package org.mnv2.jobs;

import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.mnv2.jobs.conf.InferenceConf;
import org.mnv2.jobs.run.InferenceRun;
import org.mnv2.jobs.run.JobRun;
import org.mnv2.jobs.run.RunSummary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code detect}: object detection on every image under {@code --input}.
 *
 * <p>Inputs: images (directory, glob or file on any Hadoop file system), a detection model spec
 * (raw SSD head, TF Object Detection API outputs or a YOLOX head; default {@code synth-ssdlite}).
 * Options: {@code --score-threshold} and {@code --max-detections} override the spec's
 * postprocessing. Outputs under {@code --output}: {@code predictions/} (Parquet: the common columns
 * and {@code detections} array&lt;struct&lt;category_id, label, score, bbox&gt;&gt;, bbox COCO [x,
 * y, width, height] in original image pixels, by descending score) and {@code summary.json} (with
 * the number of detections).
 */
public final class DetectJob {
  private static final Logger LOG = LoggerFactory.getLogger(DetectJob.class);

  private DetectJob() {}

  /** Runs the job; the same path for the CLI, spark-submit and tests. */
  public static RunSummary run(SparkSession spark, InferenceConf conf) {
    try (JobRun run = JobRun.begin(spark, "detect", conf.output())) {
      InferenceRun.Result result = InferenceRun.run(run, conf);
      // size(NULL) is -1 in Spark SQL: error rows must count as 0.
      Row counts =
          result
              .predictions()
              .selectExpr("sum(IF(detections IS NULL, 0, size(detections)))")
              .first();
      long detections = counts.isNullAt(0) ? 0 : counts.getLong(0);
      LOG.info("{} detections", detections);
      run.addMetrics(Map.of("detections", detections));
      return run.finish();
    }
  }

  /** spark-submit entry point: the same arguments as {@code scripts/pipeline detect}. */
  public static void main(String[] args) {
    PipelineCli.exit(PipelineCli.execute("detect", args));
  }
}
