package org.mnv2.udf;

import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.mnv2.model.postprocess.Detection;

/**
 * {@code detections}: one struct per object (category_id, label, score, bbox as COCO [x, y, width,
 * height] in original pixels), by descending score.
 */
public final class DetectionRows implements TaskRows<List<Detection>> {
  public static final StructType COLUMNS =
      new StructType().add("detections", DataTypes.createArrayType(Schemas.DETECTION, false), true);

  @Override
  public StructType columns() {
    return COLUMNS;
  }

  @Override
  public Object[] values(List<Detection> result) {
    Row[] rows = new Row[result.size()];
    for (int i = 0; i < rows.length; i++) {
      Detection d = result.get(i);
      // Boxed: Spark's Row encoder reads array<float> from Object arrays or Seqs.
      Float[] bbox = {d.x(), d.y(), d.width(), d.height()};
      rows[i] = RowFactory.create(d.categoryId(), d.label(), d.score(), bbox);
    }
    return new Object[] {rows};
  }
}
