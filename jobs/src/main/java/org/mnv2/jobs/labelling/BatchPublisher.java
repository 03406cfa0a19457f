package org.mnv2.jobs.labelling;

import static org.apache.spark.sql.functions.lit;

import java.io.IOException;
import java.sql.Timestamp;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.mnv2.jobs.run.InferenceRun;
import org.mnv2.jobs.run.JobRun;
import org.mnv2.jobs.run.Progress;
import org.mnv2.jobs.storage.InputImages;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Labels one streaming batch of new image files and publishes its rows exactly once, whatever
 * attempt of the batch this is (Structured Streaming replays a batch whose commit it did not
 * record, with the same files):
 *
 * <ol>
 *   <li>a batch with a published marker is done: skipped;
 *   <li>otherwise its rows are written to a staging folder through Spark's commit protocol (a
 *       partial write from a killed attempt has no {@code _SUCCESS} and is written again);
 *   <li>the staged files are moved into {@code predictions/} one by one (a replay moves the ones
 *       still staged), then the marker is written and the staging folder removed.
 * </ol>
 *
 * Rows reach {@code predictions/} only as complete files of a complete batch; the one window is a
 * run killed between two moves of step 3, after which readers see part of that batch until the next
 * run moves the rest (never a row twice).
 */
public final class BatchPublisher implements VoidFunction2<Dataset<Row>, Long> {
  private static final Logger LOG = LoggerFactory.getLogger(BatchPublisher.class);
  private static final String COUNTS = "_counts";

  private final SparkSession spark;
  private final JobRun run;
  private final InferenceRun.PreparedModel model;
  private final LabelState state;
  private final String input;
  private final int imagesPerPartition;
  private final boolean manifest;
  private long newImages;
  private long ok;
  private long batches;

  public BatchPublisher(
      JobRun run,
      InferenceRun.PreparedModel model,
      LabelState state,
      String input,
      boolean manifest,
      int imagesPerPartition) {
    this.run = run;
    this.spark = run.spark();
    this.model = model;
    this.state = state;
    this.input = input;
    this.manifest = manifest;
    this.imagesPerPartition = imagesPerPartition;
  }

  @Override
  public void call(Dataset<Row> batch, Long id) throws IOException {
    FileSystem fs = state.predictions().getFileSystem(spark.sparkContext().hadoopConfiguration());
    if (fs.exists(state.published(id))) {
      LOG.info("Batch {} of model {} is published already", id, state.sha256());
      return;
    }
    Path staging = state.staging(id);
    if (!fs.exists(new Path(staging, "_SUCCESS"))) {
      InputImages.Images images = newImages(batch, id);
      if (images.count() == 0) {
        return;
      }
      System.err.println(
          "label: "
              + images.count()
              + " new images (batch "
              + id
              + "); labelling them with "
              + state.sha256().substring(0, 12));
      LOG.info("Batch {}: {} new images to label", id, images.count());
      fs.delete(staging, true);
      try (Progress progress =
          run.progress("labelling", newImages + images.count(), model.timers())) {
        model
            .predict(images.rows())
            .withColumn("model_sha256", lit(state.sha256()))
            .withColumn("labelled_at", lit(new Timestamp(System.currentTimeMillis())))
            .write()
            .mode(SaveMode.ErrorIfExists)
            .parquet(staging.toString());
      }
      long[] written = InferenceRun.counts(spark.read().parquet(staging.toString()));
      StagedFiles.writeText(fs, new Path(staging, COUNTS), written[0] + " " + written[1]);
    }
    // Counted before any file moved: a replay after a partial move still knows the batch's size.
    String[] counted = StagedFiles.readText(fs, new Path(staging, COUNTS)).trim().split(" ");
    long[] counts = {Long.parseLong(counted[0]), Long.parseLong(counted[1])};
    StagedFiles.moveInto(fs, staging, state.predictions());
    StagedFiles.writeText(fs, state.published(id), counts[0] + " " + counts[1]);
    fs.delete(staging, true);
    newImages += counts[0];
    ok += counts[1];
    batches++;
    LOG.info(
        "Batch {}: published {} rows ({} ok) to {}", id, counts[0], counts[1], state.predictions());
  }

  /**
   * The batch's images: from a folder, the batch's files (read from the stream's logs, since a scan
   * skips zero-byte files and every file must get its row); from manifests, the URIs the batch's
   * new manifest files list, kept distributed (never collected on the driver).
   */
  private InputImages.Images newImages(Dataset<Row> batch, long id) {
    if (manifest) {
      Dataset<Row> paths =
          batch.selectExpr("trim(value) AS path").where("path IS NOT NULL AND path <> ''");
      long count = paths.count();
      int partitions =
          InputImages.partitions(
              spark, (int) Math.min(count, Integer.MAX_VALUE), imagesPerPartition);
      return new InputImages.Images(paths.repartition(Math.max(1, partitions)), (int) count);
    }
    List<String> paths = BatchFiles.of(spark, state.checkpoint(), id).stream().sorted().toList();
    return paths.isEmpty()
        ? new InputImages.Images(null, 0)
        : InputImages.of(spark, paths, imagesPerPartition, input);
  }

  /** New images labelled by this run (replayed batches included). */
  public long newImages() {
    return newImages;
  }

  public long ok() {
    return ok;
  }

  public long batches() {
    return batches;
  }
}
