package org.mnv2.model.spec;

/** What a model does; decides the output contract and the predictions columns. */
public enum Task {
  CLASSIFICATION,
  DETECTION,
  SEGMENTATION;

  static Task parse(String value) {
    return Enums.parse(Task.class, "task", value);
  }
}
