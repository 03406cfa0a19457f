package org.mnv2.udf.ml;

import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReadable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.types.StructType;
import org.mnv2.model.spec.Task;
import org.mnv2.udf.SegmentationRows;
import org.mnv2.udf.TaskOptions;

/**
 * Semantic segmentation as a pipeline stage (see {@link ImageInference}): appends {@code outputCol}
 * = struct&lt;width, height, status, error, mask_png, class_pixels: array&lt;struct&lt;
 * class_index, label, pixels&gt;&gt;&gt;; {@code mask_png} is an 8-bit VOC-palette PNG at the
 * original resolution whose pixel values are the class indices. Load a saved one with {@link
 * #load(String)} (or inside a {@code PipelineModel}).
 */
public final class ImageSegmenter extends ImageInference<ImageSegmenter> {
  public ImageSegmenter() {
    this(Identifiable.randomUID("mnv2ImageSegmenter"));
  }

  public ImageSegmenter(String uid) {
    super(uid);
  }

  @Override
  protected Task task() {
    return Task.SEGMENTATION;
  }

  @Override
  protected StructType taskColumns() {
    return SegmentationRows.COLUMNS;
  }

  @Override
  protected TaskOptions taskOptions() {
    return TaskOptions.defaults();
  }

  @Override
  public ImageSegmenter copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  public static MLReader<ImageSegmenter> read() {
    return new DefaultParamsReadable<ImageSegmenter>() {}.read();
  }

  public static ImageSegmenter load(String path) {
    return read().load(path);
  }
}
