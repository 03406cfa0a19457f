package org.mnv2.jobs;

import java.io.PrintWriter;
import org.mnv2.jobs.cli.ClassifyCommand;
import org.mnv2.jobs.cli.DemoCommand;
import org.mnv2.jobs.cli.DetectCommand;
import org.mnv2.jobs.cli.EvalCocoCommand;
import org.mnv2.jobs.cli.EvalVocCommand;
import org.mnv2.jobs.cli.LabelCommand;
import org.mnv2.jobs.cli.SecretRedaction;
import org.mnv2.jobs.cli.SegmentCommand;
import org.mnv2.jobs.cli.SynthCommand;
import org.mnv2.model.UsageException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The command line behind {@code scripts/pipeline} and every job's {@code main}: one subcommand per
 * job. Exit codes: 0 success, 1 job failure, 2 usage error (one line on stderr, before any Spark
 * work where the mistake is visible from the arguments).
 */
@Command(
    name = "pipeline",
    description = "Batch inference with MobileNetV2-family ONNX models on Spark.",
    subcommands = {
      ClassifyCommand.class,
      DetectCommand.class,
      EvalCocoCommand.class,
      SegmentCommand.class,
      LabelCommand.class,
      EvalVocCommand.class,
      SynthCommand.class,
      DemoCommand.class,
      CommandLine.HelpCommand.class
    },
    mixinStandardHelpOptions = true,
    version = "mnv2-pipeline 0.1.0")
public final class PipelineCli implements Runnable {
  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int USAGE = 2;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        new CommandLine(this), "a command is required (classify, synth, demo ...)");
  }

  public static void main(String[] args) {
    exit(execute(args));
  }

  /** Runs {@code command} with {@code args} (the per-job main classes). */
  public static int execute(String command, String[] args) {
    String[] all = new String[args.length + 1];
    all[0] = command;
    System.arraycopy(args, 0, all, 1, args.length);
    return execute(all);
  }

  /** Runs a full command line and returns the exit code. */
  public static int execute(String[] args) {
    CommandLine cli = new CommandLine(new PipelineCli());
    cli.setParameterExceptionHandler(
        (ex, ignored) -> {
          PrintWriter err = ex.getCommandLine().getErr();
          err.println("error: " + SecretRedaction.redact(ex.getMessage()) + " (see --help)");
          err.flush();
          return USAGE;
        });
    cli.setExecutionExceptionHandler(
        (ex, commandLine, parsed) -> {
          PrintWriter err = commandLine.getErr();
          if (ex instanceof UsageException) {
            err.println("error: " + SecretRedaction.redact(ex.getMessage()));
            err.flush();
            return USAGE;
          }
          err.println("error: " + SecretRedaction.redact(describe(ex)));
          err.flush();
          org.slf4j.LoggerFactory.getLogger(PipelineCli.class).debug("Job failed", ex);
          return FAILED;
        });
    return cli.execute(args);
  }

  /**
   * A job failure in one line: the message and up to three causes. Spark's job failures append the
   * executor's stack trace after their first line (which already names the failing task's
   * exception, e.g. S3A's endpoint and object), so only first lines are kept.
   */
  static String describe(Throwable ex) {
    StringBuilder sb = new StringBuilder(firstLine(ex.getMessage()));
    Throwable cause = ex.getCause();
    int depth = 0;
    while (cause != null && depth++ < 3) {
      String line = firstLine(cause.getMessage());
      if (cause.getMessage() != null && !sb.toString().contains(line)) {
        sb.append("; caused by ").append(line);
      }
      cause = cause.getCause();
    }
    return sb.toString();
  }

  private static String firstLine(String message) {
    String text = String.valueOf(message);
    int end = text.indexOf('\n');
    return (end < 0 ? text : text.substring(0, end)).trim();
  }

  public static void exit(int code) {
    System.exit(code);
  }
}
