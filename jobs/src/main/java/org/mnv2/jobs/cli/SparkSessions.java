package org.mnv2.jobs.cli;

import java.util.Map;
import org.apache.spark.sql.SparkSession;

/** Creates the job's SparkSession: the CLI's master and --conf pairs over spark-submit's. */
final class SparkSessions {
  static final String DEFAULT_MASTER = "local[*]";

  private SparkSessions() {}

  static SparkSession create(String appName, String master, Map<String, String> conf) {
    SparkSession.Builder builder = SparkSession.builder().appName(appName);
    if (master != null) {
      builder.master(master);
    } else if (System.getProperty("spark.master") == null) {
      builder.master(DEFAULT_MASTER);
    }
    conf.forEach(builder::config);
    return builder.getOrCreate();
  }
}
