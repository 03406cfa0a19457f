package org.mnv2.eval.coco;

import java.io.Serializable;

/**
 * One entry of an instances file's {@code images} list. Only {@code id} takes part in evaluation;
 * {@code fileName} may be null and {@code width}/{@code height} 0 when the file omits them.
 */
public record CocoImage(long id, String fileName, int width, int height) implements Serializable {

  public CocoImage {
    if (width < 0 || height < 0) {
      throw new CocoFormatException(
          "Cannot create image "
              + id
              + ": negative size (expected width, height >= 0, got "
              + width
              + " x "
              + height
              + ")");
    }
  }
}
