package org.mnv2.jobs;

import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.mnv2.model.UsageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads image files as {@code (path, content)} rows with Spark's binaryFile source: a directory
 * (recursive), a glob, or a single file, on any Hadoop file system; images chosen by extension.
 * Partitions are sized by image count (binaryFile alone packs small files by bytes, which leaves
 * cores idle).
 */
final class InputImages {
  private static final Logger LOG = LoggerFactory.getLogger(InputImages.class);
  static final String IMAGE_GLOB =
      "*.{jpg,jpeg,png,gif,bmp,JPG,JPEG,PNG,GIF,BMP,Jpg,Jpeg,Png}";

  private InputImages() {}

  /** The images under {@code uri} and how many there are. */
  record Images(Dataset<Row> rows, int count) {}

  static Images read(SparkSession spark, String uri, int imagesPerPartition) {
    Dataset<Row> files;
    try {
      files =
          spark
              .read()
              .format("binaryFile")
              .option("recursiveFileLookup", "true")
              .option("pathGlobFilter", IMAGE_GLOB)
              .load(uri)
              .select("path", "content");
    } catch (Exception e) {
      if (e instanceof AnalysisException && e.getMessage().contains("does not exist")) {
        throw new UsageException("Cannot read input " + uri + ": no such file or directory");
      }
      throw new UsageException("Cannot read input " + uri + ": " + e.getMessage(), e);
    }
    int count = files.inputFiles().length;
    if (count == 0) {
      throw new UsageException(
          "Cannot read input "
              + uri
              + ": no image files (expected .jpg, .jpeg, .png, .gif or .bmp files)");
    }
    int parallelism = spark.sparkContext().defaultParallelism();
    int partitions =
        Math.max(
            Math.min(count, 2 * parallelism),
            (int) Math.ceil(count / (double) imagesPerPartition));
    LOG.info("Input {}: {} images in {} partitions", uri, count, partitions);
    return new Images(files.repartition(partitions), count);
  }
}
