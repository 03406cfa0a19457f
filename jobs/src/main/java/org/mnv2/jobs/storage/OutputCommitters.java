package org.mnv2.jobs.storage;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.RuntimeConfig;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Option;

/**
 * Chooses how Parquet output is committed. On {@code s3a://} a rename is a copy, so Spark's default
 * (FileOutputCommitter: tasks write under {@code _temporary/} and job commit renames every file) is
 * slow and not atomic. Jobs writing to {@code s3a://} therefore use the S3A <em>magic</em>
 * committer through Spark's cloud committer binding: tasks upload their files as pending multipart
 * uploads that stay invisible, job commit completes them, and a failed job aborts them, so a failed
 * run leaves no partial Parquet behind. The committer records itself in {@code _SUCCESS}.
 *
 * <p>Settings the user made win: an explicit {@value #PROTOCOL} (another committer binding) is left
 * alone, and so is {@value #S3A_COMMITTER} ({@code directory} or {@code partitioned} for stores
 * without magic-path support). Other file systems keep Spark's default.
 */
public final class OutputCommitters {
  private static final Logger LOG = LoggerFactory.getLogger(OutputCommitters.class);

  public static final String PROTOCOL = "spark.sql.sources.commitProtocolClass";
  public static final String PARQUET_COMMITTER = "spark.sql.parquet.output.committer.class";
  public static final String S3A_COMMITTER = "fs.s3a.committer.name";
  public static final String CLOUD_PROTOCOL =
      "org.apache.spark.internal.io.cloud.PathOutputCommitProtocol";
  public static final String CLOUD_PARQUET_COMMITTER =
      "org.apache.spark.internal.io.cloud.BindingParquetOutputCommitter";
  public static final String SPARK_DEFAULT_PROTOCOL =
      "org.apache.spark.sql.execution.datasources.SQLHadoopMapReduceCommitProtocol";
  public static final String PARQUET_DEFAULT_COMMITTER =
      "org.apache.parquet.hadoop.ParquetOutputCommitter";

  /** Hadoop's default for {@value #S3A_COMMITTER}: the classic rename-based committer. */
  public static final String S3A_RENAME_COMMITTER = "file";

  private OutputCommitters() {}

  /**
   * Sets the session up to commit Parquet written under {@code outputUri}.
   *
   * @return what puts the session's settings back as they were (the run calls it when it ends, so a
   *     long-lived session does not keep one run's committer for the next)
   */
  public static Runnable configure(SparkSession spark, String outputUri) {
    if (!"s3a".equalsIgnoreCase(URI.create(outputUri.replace(" ", "%20")).getScheme())) {
      return () -> {};
    }
    RuntimeConfig conf = spark.conf();
    String protocol = conf.get(PROTOCOL);
    if (!protocol.equals(SPARK_DEFAULT_PROTOCOL)) {
      LOG.info("Output {} is committed by {} (set by {})", outputUri, protocol, PROTOCOL);
      return () -> {};
    }
    Map<String, Option<String>> before = new LinkedHashMap<>();
    for (String key : List.of(PROTOCOL, PARQUET_COMMITTER, S3A_COMMITTER)) {
      before.put(key, conf.getOption(key));
    }
    conf.set(PROTOCOL, CLOUD_PROTOCOL);
    if (conf.get(PARQUET_COMMITTER).equals(PARQUET_DEFAULT_COMMITTER)) {
      conf.set(PARQUET_COMMITTER, CLOUD_PARQUET_COMMITTER);
    }
    String committer =
        conf.getOption(S3A_COMMITTER)
            .getOrElse(() -> spark.sparkContext().hadoopConfiguration().get(S3A_COMMITTER));
    if (committer == null || committer.equals(S3A_RENAME_COMMITTER)) {
      // The session's settings reach every write job's Hadoop configuration.
      conf.set(S3A_COMMITTER, "magic");
      committer = "magic";
    }
    LOG.info("Output {} is committed by the S3A {} committer ({})", outputUri, committer, PROTOCOL);
    return () ->
        before.forEach(
            (key, value) -> {
              if (value.isDefined()) {
                conf.set(key, value.get());
              } else {
                conf.unset(key);
              }
            });
  }
}
