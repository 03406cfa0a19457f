package org.mnv2.model.mask;

/**
 * A file that is not a usable mask (not a PNG, not palette-indexed): the data's fault, reported
 * naming the file, unlike the argument checks of the mask types, which are caller mistakes.
 */
public class MaskFormatException extends IllegalArgumentException {
  public MaskFormatException(String message) {
    super(message);
  }
}
