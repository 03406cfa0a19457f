package org.mnv2.udf;

import java.io.Serializable;

/**
 * How {@link PartitionRunner} reads its input rows and shapes its output rows.
 *
 * <ul>
 *   <li>{@link #predictions()}: the jobs' layout. Rows are {@code (path)} (the file is read through
 *       Hadoop) or {@code (path, content)}; each gives one row of the {@code predictions/} columns
 *       ({@link Schemas#predictions}).
 *   <li>{@link #appended}: any DataFrame's rows, the image in one column (binary content, or a URI
 *       read through Hadoop); each gives the input row's values, in order, followed by one {@link
 *       Schemas#predictionStruct prediction struct}.
 * </ul>
 *
 * @param imageColumn the index of the image column (appended layout; ignored by the predictions
 *     layout, which uses columns 0 and 1)
 * @param readsUri whether the image column holds a URI to read rather than the bytes
 * @param appendsStruct whether rows are kept and a struct appended (else the predictions columns)
 */
public record RowLayout(int imageColumn, boolean readsUri, boolean appendsStruct)
    implements Serializable {
  public RowLayout {
    if (appendsStruct && imageColumn < 0) {
      throw new IllegalArgumentException(
          "Cannot lay out rows: image column index " + imageColumn + " (expected >= 0)");
    }
  }

  /** The jobs' layout: {@code (path)} or {@code (path, content)} in, predictions columns out. */
  public static RowLayout predictions() {
    return new RowLayout(0, true, false);
  }

  /**
   * Input rows kept, the prediction struct appended; the image is column {@code imageColumn}, its
   * bytes or (with {@code readsUri}) a URI read through Hadoop.
   */
  public static RowLayout appended(int imageColumn, boolean readsUri) {
    return new RowLayout(imageColumn, readsUri, true);
  }
}
