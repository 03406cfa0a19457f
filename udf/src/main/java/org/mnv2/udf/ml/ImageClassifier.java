package org.mnv2.udf.ml;

import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReadable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.types.StructType;
import org.mnv2.model.spec.Task;
import org.mnv2.udf.ClassificationRows;
import org.mnv2.udf.TaskOptions;

/**
 * Classification as a pipeline stage (see {@link ImageInference}): appends {@code outputCol} =
 * struct&lt;width, height, status, error, predictions: array&lt;struct&lt;class_index, label,
 * score&gt;&gt;&gt;, the top-k by descending probability. Extra param: {@code topK} (default 5).
 * Load a saved one with {@link #load(String)} (or inside a {@code PipelineModel}).
 */
public final class ImageClassifier extends ImageInference<ImageClassifier> {
  private final IntParam topK;

  public ImageClassifier() {
    this(Identifiable.randomUID("mnv2ImageClassifier"));
  }

  public ImageClassifier(String uid) {
    super(uid);
    topK = new IntParam(this, "topK", "classes per image", ParamValidators.gtEq(1));
    setDefault(topK, 5);
  }

  public IntParam topK() {
    return topK;
  }

  public ImageClassifier setTopK(int k) {
    set(topK, k);
    return this;
  }

  public int getTopK() {
    return (Integer) getOrDefault(topK);
  }

  @Override
  protected Task task() {
    return Task.CLASSIFICATION;
  }

  @Override
  protected StructType taskColumns() {
    return ClassificationRows.COLUMNS;
  }

  @Override
  protected TaskOptions taskOptions() {
    return new TaskOptions(getTopK(), Double.NaN, 0);
  }

  @Override
  public ImageClassifier copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  public static MLReader<ImageClassifier> read() {
    return new DefaultParamsReadable<ImageClassifier>() {}.read();
  }

  public static ImageClassifier load(String path) {
    return read().load(path);
  }
}
