package org.mnv2.udf.ml;

import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReadable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.types.StructType;
import org.mnv2.model.spec.Task;
import org.mnv2.udf.DetectionRows;
import org.mnv2.udf.TaskOptions;

/**
 * Object detection as a pipeline stage (see {@link ImageInference}): appends {@code outputCol} =
 * struct&lt;width, height, status, error, detections: array&lt;struct&lt;category_id, label, score,
 * bbox&gt;&gt;&gt;, bbox as COCO [x, y, width, height] in original pixels, by descending score.
 * Extra params: {@code scoreThreshold} and {@code maxDetections} (default: the spec's own, shown as
 * NaN and 0). Load a saved one with {@link #load(String)} (or inside a {@code PipelineModel}).
 */
public final class ObjectDetector extends ImageInference<ObjectDetector> {
  private final DoubleParam scoreThreshold;
  private final IntParam maxDetections;

  public ObjectDetector() {
    this(Identifiable.randomUID("mnv2ObjectDetector"));
  }

  public ObjectDetector(String uid) {
    super(uid);
    scoreThreshold =
        new DoubleParam(this, "scoreThreshold", "lowest score kept; NaN for the spec's own");
    maxDetections =
        new IntParam(
            this,
            "maxDetections",
            "detections kept per image; 0 for the spec's own",
            ParamValidators.gtEq(0));
    setDefault(scoreThreshold, Double.NaN);
    setDefault(maxDetections, 0);
  }

  public DoubleParam scoreThreshold() {
    return scoreThreshold;
  }

  public IntParam maxDetections() {
    return maxDetections;
  }

  public ObjectDetector setScoreThreshold(double threshold) {
    set(scoreThreshold, threshold);
    return this;
  }

  public ObjectDetector setMaxDetections(int n) {
    set(maxDetections, n);
    return this;
  }

  @Override
  protected Task task() {
    return Task.DETECTION;
  }

  @Override
  protected StructType taskColumns() {
    return DetectionRows.COLUMNS;
  }

  @Override
  protected TaskOptions taskOptions() {
    return new TaskOptions(
        5, (Double) getOrDefault(scoreThreshold), (Integer) getOrDefault(maxDetections));
  }

  @Override
  public ObjectDetector copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  public static MLReader<ObjectDetector> read() {
    return new DefaultParamsReadable<ObjectDetector>() {}.read();
  }

  public static ObjectDetector load(String path) {
    return read().load(path);
  }
}
