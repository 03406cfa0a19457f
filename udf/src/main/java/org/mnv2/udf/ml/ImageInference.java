package org.mnv2.udf.ml;

import java.util.Arrays;
import java.util.Locale;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.SerializableConfiguration;
import org.mnv2.model.UsageException;
import org.mnv2.model.spec.LocalResources;
import org.mnv2.model.spec.ModelSpec;
import org.mnv2.model.spec.ModelSpecLoader;
import org.mnv2.model.spec.Task;
import org.mnv2.udf.DeviceMode;
import org.mnv2.udf.HadoopResources;
import org.mnv2.udf.InferenceTask;
import org.mnv2.udf.InferenceTasks;
import org.mnv2.udf.ModelHandle;
import org.mnv2.udf.ModelHandles;
import org.mnv2.udf.PartitionRunner;
import org.mnv2.udf.ReadAheadConf;
import org.mnv2.udf.RowLayout;
import org.mnv2.udf.Schemas;
import org.mnv2.udf.TaskOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Spark ML pipeline stage that runs a model over any DataFrame's image column in batches and
 * appends one prediction struct per row, keeping every input column and every row, in order. The
 * base of {@link ImageClassifier}, {@link ObjectDetector} and {@link ImageSegmenter}, which add the
 * task's options.
 *
 * <p>Params: {@code model} (a spec name in {@code conf/models} or the path or URI of a spec file;
 * required), {@code modelUri} (replaces the spec's ONNX location), {@code inputCol} (default {@code
 * content}: binary image bytes, as {@code spark.read().format("binaryFile")} gives, or a string
 * column of image URIs read through Hadoop: local paths, {@code file:}, {@code s3a:}, {@code
 * hdfs:}), {@code outputCol} (default {@code prediction}), {@code batchSize} (images per ONNX
 * Runtime call, default 8), {@code threads} (ONNX Runtime intra-op threads per task, default 1),
 * {@code device} ({@code auto|cpu|gpu}, default auto), {@code readAhead} (a URI column's images
 * read ahead per task on reader threads, at most that many reads in flight, default 16) and {@code
 * decodeThreads} (threads per task that decode and preprocess images ahead while the task runs the
 * model, default 0: the task thread; see {@link ReadAheadConf}).
 *
 * <p>Output column: a struct of {@code width}, {@code height} (original pixels; null when the image
 * could not be decoded), {@code status} ({@code ok} or {@code error}), {@code error} (the reason,
 * else null) and the task's fields, named and typed as the jobs' {@code predictions/} columns. A
 * null, unreadable or undecodable image gives {@code status = error}, never a dropped row or a
 * failed task; a store that cannot be reached at all fails the task, as in the jobs.
 *
 * <p>Runs on the jobs' {@link PartitionRunner}: one ONNX Runtime session per executor, one
 * predictor per task. Each {@link #transform} reads the model from its URI on the driver, checks it
 * against the spec and broadcasts it once. The DataFrame it returns is lazy and can be evaluated
 * any number of times, so the broadcast (and, for a URI column, that of the Hadoop configuration)
 * is not destroyed by the stage: Spark's ContextCleaner removes it from the driver and the
 * executors once that DataFrame is garbage-collected.
 *
 * <p>Saving ({@code write().save(path)}, or inside a saved {@code Pipeline} / {@code
 * PipelineModel}) stores the params, the spec's text among them: the saved stage keeps the spec as
 * it was when {@code model} was set, and reads the model bytes from the spec's (or {@code
 * modelUri}'s) URI when it transforms. File names that the spec gives relative to itself (the ONNX
 * file, labels) resolve against the spec's original location, so a stage meant for other machines
 * should name a shared location ({@code s3a:}, {@code hdfs:}) or set {@code modelUri}.
 *
 * @param <S> the concrete stage, which the setters return
 */
public abstract class ImageInference<S extends ImageInference<S>> extends Transformer
    implements DefaultParamsWritable {
  private static final Logger LOG = LoggerFactory.getLogger(ImageInference.class);

  private final String uid;
  private final Param<String> model;
  private final Param<String> modelUri;
  private final Param<String> specText;
  private final Param<String> specLocation;
  private final Param<String> inputCol;
  private final Param<String> outputCol;
  private final IntParam batchSize;
  private final IntParam threads;
  private final Param<String> device;
  private final IntParam readAhead;
  private final IntParam decodeThreads;

  protected ImageInference(String uid) {
    this.uid = uid;
    model =
        new Param<>(this, "model", "model spec: a name in conf/models, or a spec file's path/URI");
    modelUri = new Param<>(this, "modelUri", "ONNX file replacing the spec's uri");
    specText = new Param<>(this, "specText", "the spec's YAML text, read when model was set");
    specLocation =
        new Param<>(this, "specLocation", "where the spec was read; its relative names resolve");
    inputCol =
        new Param<>(this, "inputCol", "image column: binary content, or a string URI to read");
    outputCol = new Param<>(this, "outputCol", "prediction struct column to append");
    batchSize =
        new IntParam(this, "batchSize", "images per ONNX Runtime call", ParamValidators.gtEq(1));
    threads =
        new IntParam(
            this, "threads", "ONNX Runtime intra-op threads per task", ParamValidators.gtEq(1));
    device =
        new Param<>(
            this,
            "device",
            "auto, cpu or gpu",
            ParamValidators.inArray(new String[] {"auto", "cpu", "gpu"}));
    readAhead =
        new IntParam(
            this,
            "readAhead",
            "images read ahead per task (reads in flight, for a URI column)",
            ParamValidators.gtEq(1));
    decodeThreads =
        new IntParam(
            this,
            "decodeThreads",
            "threads per task decoding ahead of the model; 0: the task thread",
            ParamValidators.gtEq(0));
    setDefault(inputCol, "content");
    setDefault(outputCol, "prediction");
    setDefault(batchSize, 8);
    setDefault(threads, 1);
    setDefault(device, "auto");
    setDefault(readAhead, ReadAheadConf.READ_AHEAD_DEFAULT);
    setDefault(decodeThreads, ReadAheadConf.DECODE_THREADS_DEFAULT);
  }

  /** The task this stage runs; a spec of another task is refused. */
  protected abstract Task task();

  /** The task's own fields of the prediction struct. */
  protected abstract StructType taskColumns();

  /** The postprocessing options of this stage's params. */
  protected abstract TaskOptions taskOptions();

  @SuppressWarnings("unchecked")
  private S self() {
    return (S) this;
  }

  @Override
  public String uid() {
    return uid;
  }

  public Param<String> model() {
    return model;
  }

  public Param<String> modelUri() {
    return modelUri;
  }

  public Param<String> specText() {
    return specText;
  }

  public Param<String> specLocation() {
    return specLocation;
  }

  public Param<String> inputCol() {
    return inputCol;
  }

  public Param<String> outputCol() {
    return outputCol;
  }

  public IntParam batchSize() {
    return batchSize;
  }

  public IntParam threads() {
    return threads;
  }

  public Param<String> device() {
    return device;
  }

  public IntParam readAhead() {
    return readAhead;
  }

  public IntParam decodeThreads() {
    return decodeThreads;
  }

  /**
   * Sets the model spec by name or location; reads it now (through the active session's Hadoop
   * configuration when there is one) so that a wrong name or task fails here and the saved stage
   * carries the spec's text.
   */
  public S setModel(String nameOrLocation) {
    ModelSpecLoader loader = new ModelSpecLoader(resources());
    ModelSpecLoader.Source source = loader.source(nameOrLocation);
    checkTask(loader.parse(source.text(), source.location()));
    set(model, nameOrLocation);
    set(specText, source.text());
    set(specLocation, source.location());
    return self();
  }

  public S setModelUri(String uri) {
    set(modelUri, uri);
    return self();
  }

  public S setInputCol(String column) {
    set(inputCol, column);
    return self();
  }

  public S setOutputCol(String column) {
    set(outputCol, column);
    return self();
  }

  public S setBatchSize(int images) {
    set(batchSize, images);
    return self();
  }

  public S setThreads(int n) {
    set(threads, n);
    return self();
  }

  public S setDevice(String mode) {
    set(device, mode);
    return self();
  }

  public S setReadAhead(int images) {
    set(readAhead, images);
    return self();
  }

  public S setDecodeThreads(int n) {
    set(decodeThreads, n);
    return self();
  }

  public String getModel() {
    return getOrDefault(model);
  }

  public String getInputCol() {
    return getOrDefault(inputCol);
  }

  public String getOutputCol() {
    return getOrDefault(outputCol);
  }

  public int getBatchSize() {
    return (Integer) getOrDefault(batchSize);
  }

  public int getThreads() {
    return (Integer) getOrDefault(threads);
  }

  public String getDevice() {
    return getOrDefault(device);
  }

  public int getReadAhead() {
    return (Integer) getOrDefault(readAhead);
  }

  public int getDecodeThreads() {
    return (Integer) getOrDefault(decodeThreads);
  }

  /** The prediction struct this stage appends. */
  public StructType predictionStruct() {
    return Schemas.predictionStruct(taskColumns());
  }

  /**
   * {@code schema} with the prediction struct appended as {@code outputCol}.
   *
   * @throws IllegalArgumentException when {@code inputCol} is missing or neither binary nor string,
   *     or {@code outputCol} exists already
   */
  @Override
  public StructType transformSchema(StructType schema) {
    String in = getInputCol();
    String out = getOutputCol();
    if (!Arrays.asList(schema.fieldNames()).contains(in)) {
      throw new IllegalArgumentException(
          "Cannot read images from column '"
              + in
              + "': no such column (expected one of "
              + String.join(", ", schema.fieldNames())
              + ")");
    }
    DataType type = schema.apply(in).dataType();
    if (!type.equals(DataTypes.BinaryType) && !type.equals(DataTypes.StringType)) {
      throw new IllegalArgumentException(
          "Cannot read images from column '"
              + in
              + "': its type is "
              + type.simpleString()
              + " (expected binary content or a string URI)");
    }
    if (Arrays.asList(schema.fieldNames()).contains(out)) {
      throw new IllegalArgumentException(
          "Cannot append column '" + out + "': the input has a column of that name");
    }
    return schema.add(DataTypes.createStructField(out, predictionStruct(), false));
  }

  /**
   * Appends the prediction struct: checks and broadcasts the model now (on the driver), runs it
   * when the result is evaluated.
   */
  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public Dataset<Row> transform(Dataset<?> dataset) {
    StructType out = transformSchema(dataset.schema());
    SparkSession spark = dataset.sparkSession();
    ModelSpec spec = spec(spark);
    InferenceTask<?> task = InferenceTasks.forSpec(spec, taskOptions());
    ModelHandle handle =
        ModelHandles.prepare(
            spark, spec, task, getThreads(), getBatchSize(), DeviceMode.parse(getDevice()));
    int column = dataset.schema().fieldIndex(getInputCol());
    boolean readsUri = dataset.schema().fields()[column].dataType().equals(DataTypes.StringType);
    Broadcast<SerializableConfiguration> hadoopConf = null;
    if (readsUri) {
      hadoopConf =
          JavaSparkContext.fromSparkContext(spark.sparkContext())
              .broadcast(new SerializableConfiguration(spark.sparkContext().hadoopConfiguration()));
    }
    PartitionRunner<?> runner =
        new PartitionRunner(
            handle,
            task,
            null,
            null,
            hadoopConf,
            RowLayout.appended(column, readsUri),
            new ReadAheadConf(getReadAhead(), getDecodeThreads()));
    LOG.info(
        "{} {}: model {} on column '{}' ({}) into '{}', batch {}",
        getClass().getSimpleName(),
        uid,
        spec.name(),
        getInputCol(),
        readsUri ? "URIs" : "content",
        getOutputCol(),
        handle.maxBatch());
    return dataset.toDF().mapPartitions((PartitionRunner) runner, Encoders.row(out));
  }

  /** The spec as saved with the stage ({@code specText}), with {@code modelUri} applied. */
  ModelSpec spec(SparkSession spark) {
    if (!isDefined(model)) {
      throw new IllegalStateException(
          "Cannot transform with "
              + getClass().getSimpleName()
              + " "
              + uid
              + ": no model (call setModel with a spec name or path)");
    }
    ModelSpecLoader loader =
        new ModelSpecLoader(new HadoopResources(spark.sparkContext().hadoopConfiguration()));
    ModelSpec spec =
        isDefined(specText)
            ? loader.parse(getOrDefault(specText), getOrDefault(specLocation))
            : loader.load(getModel(), null);
    checkTask(spec);
    return isDefined(modelUri) ? spec.withUri(getOrDefault(modelUri)) : spec;
  }

  private void checkTask(ModelSpec spec) {
    if (spec.task() != task()) {
      throw new UsageException(
          "Cannot use model "
              + spec.name()
              + " in "
              + getClass().getSimpleName()
              + ": its task is "
              + spec.task().name().toLowerCase(Locale.ROOT)
              + " (expected "
              + task().name().toLowerCase(Locale.ROOT)
              + ")");
    }
  }

  private static LocalResources resources() {
    var active = SparkSession.getActiveSession();
    return active.isDefined()
        ? new HadoopResources(active.get().sparkContext().hadoopConfiguration())
        : new LocalResources();
  }
}
