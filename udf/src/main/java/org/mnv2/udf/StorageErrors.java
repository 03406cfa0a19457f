package org.mnv2.udf;

import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;

/**
 * Tells a store that cannot be reached from a file that cannot be read. An unreadable file is the
 * image's problem and becomes its error row; an unreachable store (connection refused or reset,
 * timeouts, unknown host, no HTTP response) is the run's problem: every later image would fail the
 * same way, so the task fails instead, after the file system's own retries (S3A: {@code
 * fs.s3a.retry.limit} and {@code fs.s3a.attempts.maximum}) and Spark's task retries, and the job
 * fails with the file system's message, which names the endpoint and the object.
 */
public final class StorageErrors {
  private StorageErrors() {}

  /** Whether {@code e} or one of its causes says the store itself could not be reached. */
  public static boolean isUnreachable(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SocketException
          || t instanceof SocketTimeoutException
          || t instanceof UnknownHostException
          // The AWS SDK's shaded Apache HttpClient: the server closed the connection unanswered.
          || t.getClass().getSimpleName().equals("NoHttpResponseException")) {
        return true;
      }
    }
    return false;
  }
}
