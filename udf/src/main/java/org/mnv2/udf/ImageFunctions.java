package org.mnv2.udf;

import org.apache.spark.TaskContext;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;
import org.mnv2.model.image.ImageDecodeException;
import org.mnv2.model.spec.ModelSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Spark SQL functions over a binary image column, for ad-hoc queries: {@code
 * classify_image(content)}, {@code detect_objects(content)}, {@code segment_image(content)}. They
 * return the task's own column (its struct when a task has several columns) and null for an image
 * that cannot be decoded. They share the jobs' code path (the executor's one session per model, the
 * same preprocessing and postprocessing), one image per call.
 */
public final class ImageFunctions {
  private static final Logger LOG = LoggerFactory.getLogger(ImageFunctions.class);

  private ImageFunctions() {}

  /** The SQL name of a spec's function. */
  public static String functionName(ModelSpec spec) {
    return switch (spec.task()) {
      case CLASSIFICATION -> "classify_image";
      case DETECTION -> "detect_objects";
      case SEGMENTATION -> "segment_image";
    };
  }

  /**
   * Registers the function of {@code spec}'s task on {@code spark}, backed by that model.
   *
   * @return the registered function name
   */
  public static String register(SparkSession spark, ModelSpec spec, TaskOptions options) {
    InferenceTask<?> task = InferenceTasks.forSpec(spec, options);
    ModelHandle handle = ModelHandles.prepare(spark, spec, task, 1, 1, DeviceMode.AUTO);
    StructType columns = task.rows().columns();
    DataType returnType = columns.size() == 1 ? columns.fields()[0].dataType() : columns;
    String name = functionName(spec);
    spark.udf().register(name, new ImageUdf<>(handle, task, columns.size() == 1), returnType);
    LOG.info("Registered SQL function {}(content) for model {}", name, spec.name());
    return name;
  }

  /**
   * The UDF: one image in, the task's value out. Static nested: captures only the handle and the
   * task. Within a Spark task it keeps one {@link ImageRunner} (session lease, predictor,
   * preprocessor, input buffer) for all the rows it evaluates, released when the task completes.
   */
  static final class ImageUdf<R> implements UDF1<byte[], Object> {
    private final ModelHandle handle;
    private final InferenceTask<R> task;
    private final boolean single;
    private transient ImageRunner<R> runner;
    private transient long runnerTask;

    ImageUdf(ModelHandle handle, InferenceTask<R> task, boolean single) {
      this.handle = handle;
      this.task = task;
      this.single = single;
    }

    @Override
    public Object call(byte[] content) {
      if (content == null) {
        return null;
      }
      R result;
      try {
        result = run(content);
      } catch (ImageDecodeException e) {
        return null;
      }
      Object[] values = task.rows().values(result);
      return single ? values[0] : RowFactory.create(values);
    }

    private synchronized R run(byte[] content) {
      TaskContext context = TaskContext.get();
      if (context == null) {
        // Evaluated outside a Spark task (e.g. on the driver): hold the session for this call.
        try (ImageRunner<R> once = ImageRunner.open(handle, task)) {
          return once.run(content);
        }
      }
      if (runner == null || runnerTask != context.taskAttemptId()) {
        runner = ImageRunner.open(handle, task);
        runnerTask = context.taskAttemptId();
        runner.closeWithCurrentTask();
      }
      return runner.run(content);
    }
  }
}
