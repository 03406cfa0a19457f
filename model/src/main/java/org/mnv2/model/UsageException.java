package org.mnv2.model;

/**
 * A caller mistake found before any work starts: a bad option, an unknown or invalid model spec, a
 * missing input. The command line turns it into one line and exit code 2.
 */
public class UsageException extends PipelineException {
  public UsageException(String message) {
    super(message);
  }

  public UsageException(String message, Throwable cause) {
    super(message, cause);
  }
}
