package org.mnv2.udf;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.SerializableConfiguration;
import org.mnv2.model.PipelineException;
import org.mnv2.model.image.ImageDecodeException;
import org.mnv2.model.image.ImageDecoder;
import org.mnv2.model.image.ImageGeometry;
import org.mnv2.model.image.Preprocessor;
import org.mnv2.model.image.RgbImage;
import org.mnv2.model.runtime.InputBatch;
import org.mnv2.model.runtime.Tensor;
import org.mnv2.model.spec.InputSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The batched partition runner, behind both the jobs and the ML pipeline stages: streams a
 * partition in batches: decode, preprocess into one reusable direct buffer, one ONNX Runtime call
 * per batch, postprocess, rows. Its {@link RowLayout} says where a row's image is and what comes
 * out: the jobs' {@code predictions/} columns, or the input row's values followed by a prediction
 * struct. Every input row yields exactly one output row, in order: an image that is missing or
 * cannot be read or decoded becomes an {@code error} row, and a batch that fails is retried image
 * by image so one bad input never sinks its neighbours.
 *
 * <p>Images named by a URI are read ahead of the model on reader threads, and with decoding threads
 * decoded and preprocessed ahead too, in input order ({@link ReadAhead}, {@link ReadAheadConf}):
 * the task thread pulls the input rows and runs the model.
 *
 * @param <R> the task's per-image result
 */
public final class PartitionRunner<R> implements MapPartitionsFunction<Row, Row> {
  private static final Logger LOG = LoggerFactory.getLogger(PartitionRunner.class);

  private final ModelHandle handle;
  private final InferenceTask<R> task;
  private final String runId;
  private final StageTimers timers;
  private final Broadcast<SerializableConfiguration> hadoopConf;
  private final RowLayout layout;
  private final ReadAheadConf readAhead;

  /**
   * The jobs' runner ({@link RowLayout#predictions()}).
   *
   * @param hadoopConf the Hadoop configuration for reading files named by one-column rows; null
   *     when rows carry their content
   */
  public PartitionRunner(
      ModelHandle handle,
      InferenceTask<R> task,
      String runId,
      StageTimers timers,
      Broadcast<SerializableConfiguration> hadoopConf) {
    this(
        handle, task, runId, timers, hadoopConf, RowLayout.predictions(), ReadAheadConf.defaults());
  }

  /**
   * @param runId the {@code run_id} column of the predictions layout (unused when appending)
   * @param timers where task time goes; null for none
   * @param hadoopConf the Hadoop configuration for reading image URIs; null when rows carry their
   *     content
   * @param readAhead images read (and optionally decoded) ahead of the model per task
   */
  public PartitionRunner(
      ModelHandle handle,
      InferenceTask<R> task,
      String runId,
      StageTimers timers,
      Broadcast<SerializableConfiguration> hadoopConf,
      RowLayout layout,
      ReadAheadConf readAhead) {
    this.handle = handle;
    this.task = task;
    this.runId = runId;
    this.timers = timers;
    this.hadoopConf = hadoopConf;
    this.layout = layout;
    this.readAhead = readAhead;
  }

  /**
   * Streams {@code input} through the model. The task holds its session lease and one session
   * runner (one DJL predictor) from here to its end: released when the rows run out, when the Spark
   * task completes (success or failure, through a task completion listener), or when the iterator
   * fails, whichever comes first. Its reads ahead are cancelled at the same points.
   */
  @Override
  public Iterator<Row> call(Iterator<Row> input) {
    int device = DeviceSelection.forCurrentTask(handle.device());
    TaskSession held = TaskSession.open(handle, device);
    if (timers != null) {
      if (held.builtNow()) {
        timers.sessionsBuilt().add(1);
      }
      timers.jpegDecoders().add(ImageDecoder.jpegDecoder());
    }
    held.closeWithCurrentTask();
    Batches batches = new Batches(input, held);
    batches.window.closeWithCurrentTask();
    return batches;
  }

  static void write(Preprocessor pre, InputBatch batch, byte[] rgb, int slot) {
    if (batch.spec().dtype() == InputSpec.DType.FLOAT32) {
      pre.writeFloats(rgb, batch.floats(), slot);
    } else {
      pre.writeBytes(rgb, batch.bytes(), slot);
    }
  }

  /** One image of a batch on its way through. */
  private static final class Item {
    final Row input;
    final String uri;
    // Set on the task thread before a read or decode is handed to another thread, and read there
    // after the handover (Future.get): the executor's happens-before edges publish them.
    boolean reads;
    byte[] content;
    long readNanos;
    long decodeNanos;
    long preprocessNanos;
    Preprocessor.Prepared prepared;
    String error;
    Object[] taskValues;

    Item(Row input, String uri) {
      this.input = input;
      this.uri = uri;
    }
  }

  private final class Batches implements Iterator<Row>, ReadAhead.Work<Item> {
    private final ReadAhead<Item> window;
    private final TaskSession held;
    private final Preprocessor pre;
    private final InputBatch batch;
    private final ArrayDeque<Row> ready = new ArrayDeque<>();

    Batches(Iterator<Row> input, TaskSession held) {
      this.window = new ReadAhead<>(input, this, readAhead.readAhead(), readAhead.decodeThreads());
      this.held = held;
      this.pre = new Preprocessor(handle.spec().input());
      this.batch = new InputBatch(handle.spec().input(), handle.maxBatch());
    }

    @Override
    public boolean hasNext() {
      try {
        if (ready.isEmpty() && window.hasNext()) {
          nextBatch();
        }
      } catch (RuntimeException | Error e) {
        close();
        throw e;
      }
      if (ready.isEmpty()) {
        close();
        return false;
      }
      return true;
    }

    @Override
    public Row next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return ready.poll();
    }

    private void nextBatch() {
      List<Item> items = new ArrayList<>(batch.capacity());
      while (items.size() < batch.capacity() && window.hasNext()) {
        Item item = window.next();
        items.add(item);
        if (timers != null) {
          timers.readNanos().add(item.readNanos);
          timers.decodeNanos().add(item.decodeNanos);
          timers.preprocessNanos().add(item.preprocessNanos);
        }
      }
      if (timers != null) {
        timers.waitNanos().add(window.takeWaitNanos());
      }
      List<Item> good = new ArrayList<>(items.size());
      for (Item item : items) {
        if (item.error == null) {
          good.add(item);
        }
      }
      if (!good.isEmpty()) {
        try {
          infer(good);
        } catch (RuntimeException e) {
          if (good.size() == 1) {
            good.get(0).error = message(e);
          } else {
            LOG.warn("Batch of {} failed ({}); retrying image by image", good.size(), message(e));
            for (Item item : good) {
              try {
                infer(List.of(item));
              } catch (RuntimeException single) {
                item.error = message(single);
              }
            }
          }
        }
      }
      for (Item item : items) {
        ready.add(toRow(item));
      }
      if (timers != null) {
        timers.countBatch(items.size(), items.stream().filter(i -> i.error != null).count());
      }
    }

    private void close() {
      try {
        window.close();
      } finally {
        held.close();
      }
    }

    /** On the task thread: the row's item, its content or (when it names a file) to be read. */
    @Override
    public Item item(Row row) {
      Item item = newItem(row);
      if (!reads(row)) {
        item.content = (byte[]) row.get(contentColumn());
        if (item.content == null) {
          item.error = "Cannot read image: column " + columnName(row, contentColumn()) + " is null";
        }
      } else if (item.uri == null) {
        item.error =
            "Cannot read image: column " + columnName(row, layout.imageColumn()) + " is null";
      } else {
        configuration(); // the broadcast's value, fetched here on the task thread
        item.reads = true;
      }
      return item;
    }

    @Override
    public boolean reads(Item item) {
      return item.reads;
    }

    /** On a reader thread: the file's bytes, or its error. */
    @Override
    public void read(Item item) {
      long t0 = System.nanoTime();
      try {
        item.content = readFile(item.uri);
      } catch (IOException | RuntimeException e) {
        if (StorageErrors.isUnreachable(e)) {
          // The store, not this image: fail the task rather than write an error row per image.
          throw new PipelineException("Cannot read image " + item.uri + ": " + message(e), e);
        }
        item.error = "Cannot read image: " + message(e);
      } finally {
        item.readNanos = System.nanoTime() - t0;
      }
    }

    /** On a decoding thread or the task thread; frees the bytes. */
    @Override
    public void prepare(Item item) {
      if (item.error == null) {
        prepare(item, item.content);
      }
      item.content = null;
    }

    private Item newItem(Row row) {
      if (!layout.appendsStruct()) {
        return new Item(null, row.getString(0));
      }
      String uri = layout.readsUri() ? row.getString(layout.imageColumn()) : null;
      return new Item(row, uri);
    }

    /** Whether this row's image is read from its URI (else its content is in the row). */
    private boolean reads(Row row) {
      return layout.appendsStruct() ? layout.readsUri() : row.size() == 1;
    }

    private int contentColumn() {
      return layout.appendsStruct() ? layout.imageColumn() : 1;
    }

    private void prepare(Item item, byte[] content) {
      long t0 = System.nanoTime();
      RgbImage image;
      try {
        image = pre.decode(content);
      } catch (ImageDecodeException e) {
        item.error = e.getMessage();
        return;
      } catch (RuntimeException e) {
        item.error = "Cannot decode image: " + message(e);
        return;
      } finally {
        item.decodeNanos = System.nanoTime() - t0;
      }
      long t1 = System.nanoTime();
      try {
        item.prepared = pre.prepare(image);
      } catch (RuntimeException e) {
        item.error = "Cannot preprocess image: " + message(e);
      } finally {
        item.preprocessNanos = System.nanoTime() - t1;
      }
    }

    private void infer(List<Item> items) {
      long t0 = System.nanoTime();
      List<ImageGeometry> geometries = new ArrayList<>(items.size());
      for (int i = 0; i < items.size(); i++) {
        write(pre, batch, items.get(i).prepared.rgb(), i);
        geometries.add(items.get(i).prepared.geometry());
      }
      batch.setSize(items.size());
      add(timers == null ? null : timers.preprocessNanos(), t0);
      long t1 = System.nanoTime();
      Map<String, Tensor> outputs = held.runner().run(batch);
      long t2 = System.nanoTime();
      add(timers == null ? null : timers.inferenceNanos(), t1);
      List<R> results = task.postprocessor().decode(outputs, geometries);
      for (int i = 0; i < items.size(); i++) {
        items.get(i).taskValues = task.rows().values(results.get(i));
      }
      if (timers != null) {
        timers.postprocessNanos().add(System.nanoTime() - t2);
      }
    }

    private Row toRow(Item item) {
      if (layout.appendsStruct()) {
        return appended(item);
      }
      int taskColumns = task.rows().columns().size();
      Object[] values = new Object[Schemas.COMMON.size() + taskColumns];
      values[0] = item.uri;
      boolean ok = item.error == null;
      if (item.prepared != null) {
        values[1] = item.prepared.geometry().originalWidth();
        values[2] = item.prepared.geometry().originalHeight();
      }
      values[3] = ok ? Schemas.OK : Schemas.ERROR;
      values[4] = item.error;
      values[5] = handle.spec().name();
      values[6] = runId;
      if (ok) {
        System.arraycopy(item.taskValues, 0, values, Schemas.COMMON.size(), taskColumns);
      }
      return RowFactory.create(values);
    }

    /** The input row's values, then the struct of {@link Schemas#predictionStruct}. */
    private Row appended(Item item) {
      int taskColumns = task.rows().columns().size();
      Object[] struct = new Object[Schemas.STRUCT_COMMON.size() + taskColumns];
      boolean ok = item.error == null;
      if (item.prepared != null) {
        struct[0] = item.prepared.geometry().originalWidth();
        struct[1] = item.prepared.geometry().originalHeight();
      }
      struct[2] = ok ? Schemas.OK : Schemas.ERROR;
      struct[3] = item.error;
      if (ok) {
        System.arraycopy(item.taskValues, 0, struct, Schemas.STRUCT_COMMON.size(), taskColumns);
      }
      int n = item.input.size();
      Object[] values = new Object[n + 1];
      for (int i = 0; i < n; i++) {
        values[i] = item.input.get(i);
      }
      values[n] = RowFactory.create(struct);
      return RowFactory.create(values);
    }
  }

  private transient Configuration configuration;

  /** The broadcast Hadoop configuration (each task has its own deserialised copy of this). */
  private Configuration configuration() {
    if (configuration == null) {
      if (hadoopConf == null) {
        throw new IllegalStateException(
            "Cannot read images by URI: the runner has no Hadoop configuration");
      }
      configuration = hadoopConf.value().value();
    }
    return configuration;
  }

  private byte[] readFile(String uri) throws IOException {
    Path path = new Path(uri);
    FileSystem fs = path.getFileSystem(configuration());
    try (InputStream in = fs.open(path)) {
      return in.readAllBytes();
    }
  }

  private static void add(org.apache.spark.util.LongAccumulator acc, long since) {
    if (acc != null) {
      acc.add(System.nanoTime() - since);
    }
  }

  /** {@code 'name'} when the row has a schema (rows from a DataFrame do), else {@code #index}. */
  private static String columnName(Row row, int index) {
    return row.schema() == null ? "#" + index : "'" + row.schema().fields()[index].name() + "'";
  }

  private static String message(Throwable e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
