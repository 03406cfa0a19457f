package org.mnv2.eval.coco;

import java.io.Serializable;

/** One entry of an instances file's {@code categories} list: the COCO category id and its name. */
public record CocoCategory(int id, String name) implements Serializable {

  public CocoCategory {
    if (name == null) {
      throw new CocoFormatException(
          "Cannot create category " + id + ": missing name (expected a string, got null)");
    }
  }
}
