package org.mnv2.eval.voc;

/**
 * A VOC tree, mask or prediction that cannot be evaluated as given: a missing list file, image,
 * mask or prediction; a mask that is not a palette PNG; a prediction whose size differs from its
 * ground truth; a label that is not a class. The one exception family of VOC evaluation; messages
 * read "Cannot &lt;verb&gt; &lt;thing&gt;: &lt;reason&gt; (expected X, got Y)" and name the file.
 */
public class VocFormatException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public VocFormatException(String message) {
    super(message);
  }

  public VocFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
