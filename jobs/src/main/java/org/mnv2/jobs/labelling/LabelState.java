package org.mnv2.jobs.labelling;

import org.apache.hadoop.fs.Path;

/**
 * Where {@code label} keeps its own state under the output: {@code _state/} (hidden from Parquet
 * readers of the output by its leading underscore), one folder per model (by SHA-256) holding the
 * streaming checkpoint, each batch's staging folder and its published marker; one lock per output.
 */
public record LabelState(String output, String sha256) {
  public Path root() {
    return new Path(output, "_state");
  }

  public Path lock() {
    return new Path(root(), "lock");
  }

  public Path model() {
    return new Path(root(), sha256);
  }

  /** Structured Streaming's checkpoint: the files seen (the source log) and the batches done. */
  public Path checkpoint() {
    return new Path(model(), "checkpoint");
  }

  /** Where batch {@code id}'s rows are written before they are published. */
  public Path staging(long id) {
    return new Path(model(), "staging/" + id);
  }

  /** Present once batch {@code id}'s rows are all in predictions/. */
  public Path published(long id) {
    return new Path(model(), "published/" + id);
  }

  public Path predictions() {
    return new Path(output, "predictions");
  }

  public Path runs() {
    return new Path(output, "runs");
  }
}
