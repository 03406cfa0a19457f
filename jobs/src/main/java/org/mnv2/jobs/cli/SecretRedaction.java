package org.mnv2.jobs.cli;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hides secret values in text the command line prints. Spark redacts its own logs, UI and event log
 * by key ({@code spark.redaction.regex}); our error lines may quote raw arguments (picocli echoes
 * unmatched ones, so {@code --cnf spark.hadoop.fs.s3a.secret.key=...} would print the secret), so
 * every {@code key=value} or {@code key: value} whose key matches Spark's default redaction pattern
 * loses its value here.
 */
public final class SecretRedaction {
  static final String REDACTED = "*********(redacted)";

  /** Spark's default spark.redaction.regex, as the key of a key=value pair in free text. */
  private static final Pattern SECRET_PAIR =
      Pattern.compile(
          "([\\w.\\-]*(?i:secret|password|token|access[.]?key)[\\w.\\-]*\\s*[=:]\\s*)"
              + "([^\\s'\",;\\]]+)");

  private SecretRedaction() {}

  /** {@code text} with the values of secret-looking pairs replaced. */
  public static String redact(String text) {
    if (text == null) {
      return null;
    }
    return SECRET_PAIR
        .matcher(text)
        .replaceAll(m -> Matcher.quoteReplacement(m.group(1) + REDACTED));
  }
}
