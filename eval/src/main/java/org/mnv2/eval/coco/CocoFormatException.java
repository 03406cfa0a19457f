package org.mnv2.eval.coco;

/**
 * A COCO annotations file, results file or detection list that cannot be used as given: malformed
 * JSON, a missing or mistyped field, a detection naming an image or category the ground truth does
 * not have, an empty results list, a box with a negative size.
 *
 * <p>The one exception family of this package. Messages read "Cannot &lt;verb&gt; &lt;thing&gt;:
 * &lt;reason&gt; (expected X, got Y)" and name the file and the offending entry.
 */
public class CocoFormatException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public CocoFormatException(String message) {
    super(message);
  }

  public CocoFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
