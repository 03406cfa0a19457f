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

  /** The images of a model run: listed under its input, or by its manifest. */
  public static Images of(SparkSession spark, org.mnv2.jobs.conf.InferenceConf conf) {
    return conf.manifest()
        ? fromManifest(spark, conf.input(), conf.imagesPerPartition())
        : read(spark, conf.input(), conf.imagesPerPartition());
  }

  /**
   * The images listed by a manifest: a text file (one URI per line), a CSV file with a header (the
   * column {@code image_uri}, {@code uri} or {@code path}, else the first) or a Parquet file (the
   * same columns), chosen by extension; a folder of such files is read whole. The list is a
   * distributed dataset: it is counted and repartitioned on the executors, never collected on the
   * driver, so it scales to datasets too large to list. Blank lines are skipped.
   */
  public static Images fromManifest(SparkSession spark, String uri, int imagesPerPartition) {
    Dataset<Row> paths;
    try {
      paths = manifestPaths(spark, uri);
    } catch (AnalysisException e) {
      throw new UsageException("Cannot read --input-manifest " + uri + ": " + e.getMessage(), e);
    }
    paths = paths.where("path IS NOT NULL AND trim(path) <> ''").selectExpr("trim(path) AS path");
    long count = paths.count();
    if (count == 0) {
      throw new UsageException("Cannot read --input-manifest " + uri + ": it lists no image");
    }
    if (count > Integer.MAX_VALUE) {
      throw new UsageException(
          "Cannot read --input-manifest "
              + uri
              + ": "
              + count
              + " images (expected at most "
              + Integer.MAX_VALUE
              + " per run)");
    }
    int partitions = partitions(spark, (int) count, imagesPerPartition);
    LOG.info("Input manifest {}: {} images in {} partitions", uri, count, partitions);
    return new Images(paths.repartition(partitions), (int) count);
  }

  /** One {@code path} column from a manifest, by its file type. */
  public static Dataset<Row> manifestPaths(SparkSession spark, String uri)
      throws AnalysisException {
    String lower = uri.toLowerCase(java.util.Locale.ROOT);
    if (lower.endsWith(".parquet")) {
      return uriColumn(spark.read().parquet(uri), uri);
    }
    if (lower.endsWith(".csv")) {
      return uriColumn(spark.read().option("header", "true").csv(uri), uri);
    }
    return spark.read().text(uri).selectExpr("value AS path");
  }

  private static Dataset<Row> uriColumn(Dataset<Row> table, String uri) {
    java.util.List<String> columns = java.util.List.of(table.columns());
    for (String name : new String[] {"image_uri", "uri", "path"}) {
      if (columns.contains(name)) {
        return table.selectExpr("CAST(`" + name + "` AS STRING) AS path");
      }
    }
    if (columns.isEmpty()) {
      throw new UsageException("Cannot read --input-manifest " + uri + ": it has no column");
    }
    return table.selectExpr("CAST(`" + columns.get(0) + "` AS STRING) AS path");
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
