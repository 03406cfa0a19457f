package org.mnv2.jobs.cli;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.mnv2.jobs.PipelineCli;
import org.mnv2.jobs.conf.JobSettings;
import org.mnv2.jobs.conf.ProgressMode;
import org.mnv2.jobs.run.JobRun;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The shape of every command that runs on Spark: check what can be checked from the arguments
 * (usage errors before any Spark work), start the session, run, print the result lines, stop.
 */
abstract class SparkCommand implements Callable<Integer> {
  @Mixin CommonOptions common;
  @Spec CommandSpec command;

  /** A checked command, ready to run on a session. */
  interface Run {
    /** Runs the job; returns the lines printed on stdout. */
    List<String> on(SparkSession spark);
  }

  /** Checks the arguments without Spark and returns the run. */
  abstract Run prepare(JobSettings settings);

  @Override
  public final Integer call() {
    JobSettings settings = common.settings();
    ProgressMode progress = settings.progress(common.progress);
    boolean report = settings.report();
    Run run = prepare(settings);
    SparkSession spark = SparkSessions.create("mnv2 " + command.name(), common.master, common.conf);
    try {
      spark.conf().set(JobRun.PROGRESS_CONF, progress.name().toLowerCase(Locale.ROOT));
      spark.conf().set(JobRun.REPORT_CONF, Boolean.toString(report));
      run.on(spark).forEach(System.out::println);
      return PipelineCli.OK;
    } finally {
      spark.conf().unset(JobRun.PROGRESS_CONF);
      spark.conf().unset(JobRun.REPORT_CONF);
      spark.stop();
    }
  }
}
