package org.mnv2.jobs;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options every Spark command takes. */
public final class CommonOptions {
  @Option(
      names = "--master",
      description = "Spark master (default: local[*], or what spark-submit set)")
  String master;

  @Option(
      names = "--conf",
      description = "key=value passed to Spark (repeatable); mnv2.* keys set job defaults")
  Map<String, String> conf = new LinkedHashMap<>();

  @Option(
      names = "--conf-file",
      description = "job defaults (properties; default $MNV2_HOME/conf/pipeline.properties)")
  Path confFile;

  @Option(
      names = "--mode",
      description = "when --output exists: error (default) or overwrite",
      defaultValue = "error")
  String mode;

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "show this help and exit")
  boolean help;

  /** The write mode, validated. */
  OutputMode outputMode() {
    return OutputMode.parse(mode);
  }

  JobSettings settings() {
    return JobSettings.of(conf, confFile);
  }
}
