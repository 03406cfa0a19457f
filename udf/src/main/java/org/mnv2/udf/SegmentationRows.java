package org.mnv2.udf;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.mnv2.model.mask.LabelMask;
import org.mnv2.model.mask.PaletteMasks;
import org.mnv2.model.spec.Labels;

/**
 * {@code mask_png}: an 8-bit VOC-palette PNG at the original resolution whose pixel values are the
 * class indices; {@code class_pixels}: the pixel count of every class present, by class index.
 */
public final class SegmentationRows implements TaskRows<LabelMask> {
  public static final StructType COLUMNS =
      new StructType()
          .add("mask_png", DataTypes.BinaryType, true)
          .add("class_pixels", DataTypes.createArrayType(Schemas.CLASS_PIXELS, false), true);

  private final Labels labels;

  public SegmentationRows(Labels labels) {
    this.labels = labels;
  }

  @Override
  public StructType columns() {
    return COLUMNS;
  }

  @Override
  public Object[] values(LabelMask mask) {
    byte[] png = PaletteMasks.encodePng(mask.labels(), mask.width(), mask.height());
    return new Object[] {png, classPixels(mask.classPixels(LabelMask.LABEL_VALUES))};
  }

  // Arrays, not java.util.List: Spark's Row encoder takes Scala Seqs or Java arrays.
  private Row[] classPixels(long[] counts) {
    List<Row> rows = new ArrayList<>();
    for (int c = 0; c < counts.length; c++) {
      if (counts[c] > 0) {
        rows.add(RowFactory.create(c, labels.name(c), counts[c]));
      }
    }
    return rows.toArray(new Row[0]);
  }
}
