package org.mnv2.udf;

import java.io.Serializable;
import org.apache.spark.sql.types.StructType;

/**
 * How one task's result becomes its own columns of a predictions row.
 *
 * @param <R> the postprocessor's per-image result
 */
public interface TaskRows<R> extends Serializable {
  /** The task's own columns (appended after {@link Schemas#COMMON}). */
  StructType columns();

  /** The values of {@link #columns()} for one result, Spark external types (Row, List...). */
  Object[] values(R result);
}
