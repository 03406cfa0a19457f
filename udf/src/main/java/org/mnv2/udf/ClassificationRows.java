package org.mnv2.udf;

import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.mnv2.model.postprocess.ClassScore;

/** {@code predictions}: top-k by descending probability. */
public final class ClassificationRows implements TaskRows<List<ClassScore>> {
  public static final StructType COLUMNS =
      new StructType()
          .add("predictions", DataTypes.createArrayType(Schemas.CLASS_SCORE, false), true);

  @Override
  public StructType columns() {
    return COLUMNS;
  }

  @Override
  public Object[] values(List<ClassScore> result) {
    return new Object[] {toRows(result)};
  }

  // Arrays, not java.util.List: Spark's Row encoder takes Scala Seqs or Java arrays.
  static Row[] toRows(List<ClassScore> result) {
    Row[] rows = new Row[result.size()];
    for (int i = 0; i < rows.length; i++) {
      ClassScore s = result.get(i);
      rows[i] = RowFactory.create(s.classIndex(), s.label(), s.score());
    }
    return rows;
  }
}
