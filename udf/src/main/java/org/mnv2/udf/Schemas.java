package org.mnv2.udf;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** The columns of {@code predictions/} (docs/OUTPUTS.md). */
public final class Schemas {
  private Schemas() {}

  /** Columns every task writes, in this order, before its own. */
  public static final StructType COMMON =
      new StructType()
          .add("image_uri", DataTypes.StringType, false)
          .add("width", DataTypes.IntegerType, true)
          .add("height", DataTypes.IntegerType, true)
          .add("status", DataTypes.StringType, false)
          .add("error", DataTypes.StringType, true)
          .add("model", DataTypes.StringType, false)
          .add("run_id", DataTypes.StringType, false);

  /** One top-k entry. */
  public static final StructType CLASS_SCORE =
      new StructType()
          .add("class_index", DataTypes.IntegerType, false)
          .add("label", DataTypes.StringType, true)
          .add("score", DataTypes.FloatType, false);

  /** One detection; bbox is COCO [x, y, width, height] in original image pixels. */
  public static final StructType DETECTION =
      new StructType()
          .add("category_id", DataTypes.IntegerType, false)
          .add("label", DataTypes.StringType, true)
          .add("score", DataTypes.FloatType, false)
          .add("bbox", DataTypes.createArrayType(DataTypes.FloatType, false), false);

  /** Pixel count of one class in a segmentation mask. */
  public static final StructType CLASS_PIXELS =
      new StructType()
          .add("class_index", DataTypes.IntegerType, false)
          .add("label", DataTypes.StringType, true)
          .add("pixels", DataTypes.LongType, false);

  /** The full predictions schema: common columns followed by a task's own. */
  public static StructType predictions(StructType taskColumns) {
    StructType out = COMMON;
    for (StructField f : taskColumns.fields()) {
      out = out.add(f);
    }
    return out;
  }

  /**
   * The fields of a prediction struct (the ML pipeline stages' output column) before the task's
   * own: the columns of {@link #COMMON} that describe the image and its outcome. The image's name,
   * the model and the run are the caller's columns or the stage's params, not repeated per row.
   */
  public static final StructType STRUCT_COMMON =
      new StructType()
          .add("width", DataTypes.IntegerType, true)
          .add("height", DataTypes.IntegerType, true)
          .add("status", DataTypes.StringType, false)
          .add("error", DataTypes.StringType, true);

  /** A prediction struct: {@link #STRUCT_COMMON} followed by a task's own columns. */
  public static StructType predictionStruct(StructType taskColumns) {
    StructType out = STRUCT_COMMON;
    for (StructField f : taskColumns.fields()) {
      out = out.add(f);
    }
    return out;
  }

  public static final String OK = "ok";
  public static final String ERROR = "error";
}
