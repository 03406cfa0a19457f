package org.mnv2.jobs.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.mnv2.jobs.conf.JobSettings;
import picocli.CommandLine.Option;

/** Options every Spark command takes: where Spark runs and where settings come from. */
final class CommonOptions {
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
      names = "--progress",
      description =
          "progress on stderr: auto (default: a live line on a terminal, a line every 10 s"
              + " otherwise), always (the plain lines, also on a terminal) or never")
  String progress;

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "show this help and exit")
  boolean help;

  JobSettings settings() {
    return JobSettings.of(conf, confFile);
  }
}
