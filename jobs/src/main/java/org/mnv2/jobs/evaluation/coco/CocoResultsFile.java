package org.mnv2.jobs.evaluation.coco;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.SerializableConfiguration;
import org.mnv2.eval.coco.CocoDataset;
import org.mnv2.eval.coco.CocoDetection;
import org.mnv2.eval.coco.CocoFormatException;
import org.mnv2.eval.coco.CocoResults;
import org.mnv2.model.UsageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A COCO results file ({@code --detections}) read on an executor, not on the driver: one task
 * parses and checks the whole file exactly as the eval package does (pycocotools' {@code loadRes}
 * checks, plus its stricter ones: see {@code org.mnv2.eval.coco}), and emits one row per detection
 * with its position in the file (which breaks ties in score). A problem becomes a single error row
 * rather than a task failure, so the driver reports it once, as a usage error, without retries.
 */
public final class CocoResultsFile {
  private static final Logger LOG = LoggerFactory.getLogger(CocoResultsFile.class);

  /** {@link SparkCocoEvaluator#DETECTIONS} plus the error column. */
  static final StructType PARSED = SparkCocoEvaluator.DETECTIONS.add("error", DataTypes.StringType);

  private CocoResultsFile() {}

  /**
   * The detections of {@code uri}, checked against {@code groundTruth}; cached, with the schema of
   * {@link SparkCocoEvaluator#DETECTIONS}.
   *
   * @throws UsageException naming the file and the first offending entry
   */
  public static Dataset<Row> read(
      SparkSession spark,
      String uri,
      Broadcast<CocoDataset> groundTruth,
      Broadcast<SerializableConfiguration> hadoopConf) {
    Dataset<Row> parsed =
        spark
            .createDataset(List.of(uri), Encoders.STRING())
            .flatMap(new Parse(groundTruth, hadoopConf), Encoders.row(PARSED))
            .persist(StorageLevel.MEMORY_AND_DISK());
    List<Row> errors = parsed.where("error IS NOT NULL").limit(1).collectAsList();
    if (!errors.isEmpty()) {
      parsed.unpersist();
      throw new UsageException(errors.get(0).getString(PARSED.fieldIndex("error")));
    }
    Dataset<Row> detections = parsed.drop("error").persist(StorageLevel.MEMORY_AND_DISK());
    LOG.info("Read {} detections from {}", detections.count(), uri);
    parsed.unpersist();
    return detections;
  }

  /** Parses one results file on an executor. */
  static final class Parse implements FlatMapFunction<String, Row> {
    private final Broadcast<CocoDataset> groundTruth;
    private final Broadcast<SerializableConfiguration> hadoopConf;

    Parse(Broadcast<CocoDataset> groundTruth, Broadcast<SerializableConfiguration> hadoopConf) {
      this.groundTruth = groundTruth;
      this.hadoopConf = hadoopConf;
    }

    @Override
    public Iterator<Row> call(String uri) {
      List<CocoDetection> detections;
      try {
        detections = read(uri);
        groundTruth.value().checkDetections(detections);
      } catch (CocoFormatException | UncheckedIOException e) {
        // The file's fault: malformed, a bad entry, an unknown image or category, an empty list.
        // Any other exception is a bug and fails the task.
        Object[] values = new Object[PARSED.size()];
        values[0] = -1L;
        values[1] = -1L;
        values[2] = -1;
        for (int i = 3; i < 8; i++) {
          values[i] = 0.0;
        }
        values[8] =
            e instanceof UncheckedIOException u ? u.getCause().getMessage() : e.getMessage();
        return List.of(RowFactory.create(values)).iterator();
      }
      List<Row> rows = new ArrayList<>(detections.size());
      long idx = 0;
      for (CocoDetection d : detections) {
        rows.add(
            RowFactory.create(
                idx++,
                d.imageId(),
                d.categoryId(),
                d.bbox().x(),
                d.bbox().y(),
                d.bbox().width(),
                d.bbox().height(),
                d.score(),
                null));
      }
      return rows.iterator();
    }

    private List<CocoDetection> read(String uri) {
      Path path = new Path(uri);
      try {
        FileSystem fs = path.getFileSystem(hadoopConf.value().value());
        if (!fs.isFile(path)) {
          throw new UncheckedIOException(
              new IOException(
                  "Cannot read COCO results "
                      + uri
                      + ": no such file (expected a results JSON file)"));
        }
        try (InputStream in = fs.open(path)) {
          return CocoResults.read(in, uri);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(
            new IOException("Cannot read COCO results " + uri + ": " + e.getMessage(), e));
      }
    }
  }
}
