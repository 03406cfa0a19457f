package org.mnv2.jobs.storage;

import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.mnv2.model.UsageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists image files with Spark's binaryFile source (a directory read recursively, a glob, or a
 * single file, on any Hadoop file system; images chosen by extension) and returns their paths as
 * rows, partitioned by count. Executors read each file's bytes themselves (see {@link
 * org.mnv2.udf.PartitionRunner}): reading content through binaryFile would drop zero-byte files
 * (Spark skips empty splits, so they would get no row), fail the whole job on an unreadable file,
 * pack small files into few partitions by bytes, and push every image through a shuffle to
 * repartition it.
 */
public final class InputImages {
  private static final Logger LOG = LoggerFactory.getLogger(InputImages.class);
  public static final String IMAGE_GLOB =
      "*.{jpg,jpeg,png,gif,bmp,JPG,JPEG,PNG,GIF,BMP,Jpg,Jpeg,Png}";

  private InputImages() {}

  /** The images under {@code uri} and how many there are. */
  public record Images(Dataset<Row> rows, int count) {}

  public static Images read(SparkSession spark, String uri, int imagesPerPartition) {
    Dataset<Row> files;
    try {
      files =
          spark
              .read()
              .format("binaryFile")
              .option("recursiveFileLookup", "true")
              .option("pathGlobFilter", IMAGE_GLOB)
              .load(uri)
              .select("path");
    } catch (Exception e) {
      if (e instanceof AnalysisException && e.getMessage().contains("does not exist")) {
        throw new UsageException("Cannot read input " + uri + ": no such file or directory");
      }
      throw new UsageException("Cannot read input " + uri + ": " + e.getMessage(), e);
    }
    String[] paths = files.inputFiles();
    java.util.Arrays.sort(paths);
    if (paths.length == 0) {
      throw new UsageException(
          "Cannot read input "
              + uri
              + ": no image files (expected .jpg, .jpeg, .png, .gif or .bmp files)");
    }
    return of(spark, java.util.Arrays.asList(paths), imagesPerPartition, uri);
  }

  /**
   * Partitions for {@code count} items: at least two per core (so no core idles while another
   * finishes a long partition) and at most {@code perPartition} items each.
   */
  public static int partitions(SparkSession spark, int count, int perPartition) {
    int parallelism = spark.sparkContext().defaultParallelism();
    return Math.max(
        Math.min(count, 2 * parallelism), (int) Math.ceil(count / (double) perPartition));
  }

  /**
   * Rows for a list of image URIs already known to the driver (e.g. the images of a VOC split),
   * partitioned by count like {@link #read}; {@code uri} names the input in the log.
   */
  public static Images of(
      SparkSession spark, java.util.List<String> paths, int imagesPerPartition, String uri) {
    int count = paths.size();
    int partitions = partitions(spark, count, imagesPerPartition);
    LOG.info("Input {}: {} images in {} partitions", uri, count, partitions);
    // parallelize slices the sorted list evenly by count, with no shuffle.
    var rdd =
        org.apache.spark.api.java.JavaSparkContext.fromSparkContext(spark.sparkContext())
            .parallelize(paths, partitions)
            .map(org.apache.spark.sql.RowFactory::create);
    StructType schema = new StructType().add("path", DataTypes.StringType, false);
    return new Images(spark.createDataFrame(rdd, schema), count);
  }
}
