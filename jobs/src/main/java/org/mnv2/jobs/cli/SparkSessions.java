package org.mnv2.jobs.cli;

import java.util.Map;
import org.apache.spark.sql.SparkSession;

/** Creates the job's SparkSession: the CLI's master and --conf pairs over spark-submit's. */
final class SparkSessions {
  static final String DEFAULT_MASTER = "local[*]";

  /**
   * Executor heartbeats carry running tasks' image counts to the progress line; Spark's default of
   * 10 s would leave it still for 10 s at a time, so runs that do not set it beat every 3 s.
   */
  static final String HEARTBEAT = "spark.executor.heartbeatInterval";

  static final String HEARTBEAT_DEFAULT = "3s";

  private SparkSessions() {}

  static SparkSession create(String appName, String master, Map<String, String> conf) {
    SparkSession.Builder builder = SparkSession.builder().appName(appName);
    if (master != null) {
      builder.master(master);
    } else if (System.getProperty("spark.master") == null) {
      builder.master(DEFAULT_MASTER);
    }
    if (!conf.containsKey(HEARTBEAT) && System.getProperty(HEARTBEAT) == null) {
      builder.config(HEARTBEAT, HEARTBEAT_DEFAULT);
    }
    conf.forEach(builder::config);
    return builder.getOrCreate();
  }
}
