package org.mnv2.jobs.labelling;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.input_file_name;
import static org.apache.spark.sql.functions.lit;

import java.io.IOException;
import java.sql.Timestamp;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.mnv2.jobs.run.InferenceRun;
import org.mnv2.jobs.storage.InputImages;
import org.mnv2.udf.Schemas;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --retry-errors}: labels again the images whose row of this model is an error, and replaces
 * those rows, so that an (image, model) pair still has one row. The Parquet files holding the error
 * rows are rewritten: their other rows and the new rows are staged first (with the list of files
 * they replace), then the old files are removed and the staged ones moved in; a run killed in
 * between is finished by the next one, which finds the staging complete. Between the removal and
 * the last move, readers miss those files' rows (never see one twice).
 */
public final class ErrorRetry {
  private static final Logger LOG = LoggerFactory.getLogger(ErrorRetry.class);
  private static final String REPLACES = "_replaces";

  private ErrorRetry() {}

  /**
   * Finishes an interrupted retry, then retries this model's error rows.
   *
   * @return {retried images, of which ok}
   */
  public static long[] run(
      SparkSession spark,
      InferenceRun.PreparedModel model,
      LabelState state,
      String input,
      int imagesPerPartition)
      throws IOException {
    FileSystem fs = state.predictions().getFileSystem(spark.sparkContext().hadoopConfiguration());
    Path staging = new Path(state.model(), "retry");
    if (!fs.exists(new Path(staging, "_SUCCESS"))) {
      fs.delete(staging, true);
      if (!fs.exists(state.predictions())) {
        return new long[] {0, 0};
      }
      Dataset<Row> rows =
          spark
              .read()
              .parquet(state.predictions().toString())
              .withColumn("_file", input_file_name());
      Dataset<Row> errors =
          rows.where(
              col("model_sha256")
                  .equalTo(state.sha256())
                  .and(col("status").equalTo(Schemas.ERROR)));
      List<String> files = errors.select("_file").distinct().as(Encoders.STRING()).collectAsList();
      if (files.isEmpty()) {
        return new long[] {0, 0};
      }
      Dataset<Row> paths = errors.select(col("image_uri").as("path")).distinct();
      long retried = paths.count();
      System.err.println("label: retrying " + retried + " images whose rows are errors");
      Dataset<Row> kept =
          rows.where(col("_file").isin(files.toArray()))
              .where(
                  col("model_sha256")
                      .notEqual(state.sha256())
                      .or(col("status").notEqual(Schemas.ERROR)))
              .drop("_file");
      InputImages.Images images =
          InputImages.of(
              spark, paths.as(Encoders.STRING()).collectAsList(), imagesPerPartition, input);
      Dataset<Row> relabelled =
          model
              .predict(images.rows())
              .withColumn("model_sha256", lit(state.sha256()))
              .withColumn("labelled_at", lit(new Timestamp(System.currentTimeMillis())));
      kept.unionByName(relabelled).write().mode(SaveMode.ErrorIfExists).parquet(staging.toString());
      long[] counts =
          InferenceRun.counts(
              spark
                  .read()
                  .parquet(staging.toString())
                  .where(
                      col("model_sha256")
                          .equalTo(state.sha256())
                          .and(
                              col("image_uri")
                                  .isin(paths.as(Encoders.STRING()).collectAsList().toArray()))));
      StagedFiles.writeText(
          fs,
          new Path(staging, REPLACES),
          String.join("\n", files) + "\n" + "#" + counts[0] + " " + counts[1] + "\n");
    }
    String[] lines = StagedFiles.readText(fs, new Path(staging, REPLACES)).split("\n");
    long[] counts = {0, 0};
    for (String line : lines) {
      if (line.startsWith("#")) {
        String[] c = line.substring(1).trim().split(" ");
        counts = new long[] {Long.parseLong(c[0]), Long.parseLong(c[1])};
      } else if (!line.isBlank()) {
        fs.delete(new Path(line), false);
      }
    }
    StagedFiles.moveInto(fs, staging, state.predictions());
    fs.delete(staging, true);
    LOG.info("Retried {} images with error rows: {} ok now", counts[0], counts[1]);
    return counts;
  }
}
