package org.mnv2.model;

/**
 * The project's one unchecked exception family. Messages read "Cannot &lt;verb&gt; &lt;thing&gt;:
 * &lt;reason&gt; (expected X, got Y)" and name what the user will search for (image URI, model,
 * option).
 */
public class PipelineException extends RuntimeException {
  public PipelineException(String message) {
    super(message);
  }

  public PipelineException(String message, Throwable cause) {
    super(message, cause);
  }
}
