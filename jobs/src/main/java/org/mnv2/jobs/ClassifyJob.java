package org.mnv2.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.regexp_extract;
import static org.apache.spark.sql.functions.when;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.mnv2.jobs.conf.InferenceConf;
import org.mnv2.jobs.evaluation.classification.ClassificationReport;
import org.mnv2.jobs.run.InferenceRun;
import org.mnv2.jobs.run.JobRun;
import org.mnv2.jobs.run.RunSummary;
import org.mnv2.jobs.storage.Json;
import org.mnv2.model.UsageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code classify}: top-k ImageNet-style classification of every image under {@code --input}.
 *
 * <p>Inputs: images (directory, glob or file on any Hadoop file system), a classification model
 * spec. Outputs under {@code --output}: {@code predictions/} (Parquet: the common columns and
 * {@code predictions} array&lt;struct&lt;class_index, label, score&gt;&gt;, top-k by descending
 * probability) and {@code summary.json}. With {@code --labels FILE} (CSV with columns {@code file}
 * and {@code class_index}, or {@code imagenet_index}), also top-1 / top-5 accuracy in {@code
 * metrics.json}, matched by file name.
 */
public final class ClassifyJob {
  private static final Logger LOG = LoggerFactory.getLogger(ClassifyJob.class);

  private ClassifyJob() {}

  /** Runs the job; the same path for the CLI, spark-submit and tests. */
  public static RunSummary run(SparkSession spark, InferenceConf conf) {
    try (JobRun run = JobRun.begin(spark, "classify", conf.output())) {
      InferenceRun.Result result = InferenceRun.run(run, conf);
      if (conf.labelsUri() != null) {
        Dataset<Row> labelled = labelled(spark, result.predictions(), conf.labelsUri());
        Map<String, Object> accuracy = accuracy(labelled);
        run.addMetrics(accuracy);
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("task", "classification");
        metrics.putAll(accuracy);
        run.output().writeText("metrics.json", Json.write(metrics));
        LOG.info("Accuracy against {}: {}", conf.labelsUri(), accuracy);
        if (run.writesReport()) {
          ClassificationReport.write(
              run,
              labelled,
              conf.spec().labels().names(),
              metrics,
              "model "
                  + conf.spec().name()
                  + " on "
                  + conf.input()
                  + ", labels "
                  + conf.labelsUri());
        }
      }
      return run.finish();
    }
  }

  /** The predictions of the images the labels file lists, with their label as {@code truth}. */
  static Dataset<Row> labelled(SparkSession spark, Dataset<Row> predictions, String uri) {
    Dataset<Row> labels = spark.read().option("header", "true").csv(uri);
    List<String> columns = List.of(labels.columns());
    String labelColumn =
        columns.contains("class_index")
            ? "class_index"
            : columns.contains("imagenet_index") ? "imagenet_index" : null;
    if (!columns.contains("file") || labelColumn == null) {
      throw new UsageException(
          "Cannot read labels "
              + uri
              + ": expected a CSV header with 'file' and 'class_index' (or 'imagenet_index'), got "
              + columns);
    }
    Dataset<Row> truth =
        labels.select(
            regexp_extract(col("file"), "[^/]+$", 0).as("name"),
            col(labelColumn).cast("int").as("truth"));
    return predictions
        .withColumn("name", regexp_extract(col("image_uri"), "[^/]+$", 0))
        .join(truth, "name");
  }

  /** Top-1 / top-5 over the labelled images (an error row counts as wrong). */
  static Map<String, Object> accuracy(Dataset<Row> joined) {
    Row r =
        joined
            .select(
                when(
                        element_at(col("predictions"), 1)
                            .getField("class_index")
                            .equalTo(col("truth")),
                        1)
                    .otherwise(0)
                    .as("top1"),
                when(expr("exists(slice(predictions, 1, 5), p -> p.class_index = truth)"), 1)
                    .otherwise(0)
                    .as("top5"))
            .agg(expr("count(*)"), expr("sum(top1)"), expr("sum(top5)"))
            .first();
    long n = r.getLong(0);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("labelled_images", n);
    out.put("top1", n == 0 ? null : r.getLong(1) / (double) n);
    out.put("top5", n == 0 ? null : r.getLong(2) / (double) n);
    return out;
  }

  /** spark-submit entry point: the same arguments as {@code scripts/pipeline classify}. */
  public static void main(String[] args) {
    PipelineCli.exit(PipelineCli.execute("classify", args));
  }
}
