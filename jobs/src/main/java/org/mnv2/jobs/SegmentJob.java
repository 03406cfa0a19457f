package org.mnv2.jobs;

import org.apache.spark.sql.SparkSession;
import org.mnv2.jobs.conf.InferenceConf;
import org.mnv2.jobs.run.InferenceRun;
import org.mnv2.jobs.run.JobRun;
import org.mnv2.jobs.run.RunSummary;

/**
 * {@code segment}: semantic segmentation of every image under {@code --input}.
 *
 * <p>Inputs: images (directory, glob or file on any Hadoop file system) and a segmentation model
 * spec (default {@code synth-deeplabv3}); the spec says how logits or label maps return to the
 * original resolution. Outputs under {@code --output}: {@code predictions/} (Parquet: the common
 * columns, {@code mask_png} binary, an 8-bit VOC-palette PNG at the original resolution whose pixel
 * values are class indices, and {@code class_pixels} array&lt;struct&lt;class_index, label,
 * pixels&gt;&gt; for every class present, by class index) and {@code summary.json}. Options: {@code
 * --batch-size}, {@code --images-per-partition}, {@code --threads}, {@code --device}, {@code
 * --read-ahead}, {@code --decode-threads}, and the common ones.
 */
public final class SegmentJob {
  private SegmentJob() {}

  /** Runs the job; the same path for the CLI, spark-submit and tests. */
  public static RunSummary run(SparkSession spark, InferenceConf conf) {
    try (JobRun run = JobRun.begin(spark, "segment", conf.output())) {
      InferenceRun.run(run, conf);
      return run.finish();
    }
  }

  /** spark-submit entry point: the same arguments as {@code scripts/pipeline segment}. */
  public static void main(String[] args) {
    PipelineCli.exit(PipelineCli.execute("segment", args));
  }
}
