package org.mnv2.model.runtime;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.Batchifier;
import ai.djl.translate.TranslateException;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.Buffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.mnv2.model.PipelineException;
import org.mnv2.model.spec.InputSpec;
import org.mnv2.model.spec.ModelSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ONNX Runtime session opened through DJL's OnnxRuntime engine from the model's bytes. ONNX
 * Runtime sessions are thread-safe, so one instance serves every task of an executor; each task
 * runs its batches through its own {@link #newRunner() runner}, which holds one DJL predictor for
 * the task's life. Every call scopes its native tensors to that call (freed when it returns).
 */
public final class OnnxSession implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OnnxSession.class);
  static final String ENGINE = "OnnxRuntime";
  // Devices already named in this JVM's log: said once at INFO, not per session or task.
  private static final Set<String> ANNOUNCED_DEVICES = ConcurrentHashMap.newKeySet();

  private final ModelSpec spec;
  private final Model model;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicLong predictorsOpened = new AtomicLong();

  private OnnxSession(ModelSpec spec, Model model) {
    this.spec = spec;
    this.model = model;
  }

  /** Opens a session on {@code onnx} (the model file's bytes). */
  public static OnnxSession open(ModelSpec spec, byte[] onnx, SessionOptions options) {
    long start = System.nanoTime();
    Device device = options.gpu() ? Device.gpu(options.gpuDevice()) : Device.cpu();
    Model model = Model.newInstance(spec.name(), device, ENGINE);
    Map<String, String> ortOptions = new LinkedHashMap<>();
    ortOptions.put("intraOpNumThreads", Integer.toString(options.intraOpThreads()));
    ortOptions.put("interOpNumThreads", "1");
    try {
      model.load(new ByteArrayInputStream(onnx), ortOptions);
    } catch (IOException | MalformedModelException | RuntimeException e) {
      model.close();
      if (options.gpu()) {
        throw new PipelineException(
            "Cannot open model "
                + spec.name()
                + " on GPU "
                + options.gpuDevice()
                + ": "
                + rootMessage(e)
                + " (expected ONNX Runtime's CUDA build, a job jar packaged with -Pgpu, and CUDA"
                + " and cuDNN on the executors; or use --device cpu)",
            e);
      }
      throw new PipelineException(
          "Cannot open model " + spec.name() + " (" + spec.uri() + "): " + e.getMessage(), e);
    }
    String where = options.gpu() ? "GPU " + options.gpuDevice() : "CPU";
    if (ANNOUNCED_DEVICES.add(where)) {
      LOG.info(
          "ONNX Runtime runs models on the {} in this JVM ({} execution provider)",
          where,
          options.gpu() ? "CUDA" : "CPU");
    }
    LOG.info(
        "Opened ONNX Runtime session for {} on the {} with {} intra-op thread(s) in {} ms",
        spec.name(),
        where,
        options.intraOpThreads(),
        (System.nanoTime() - start) / 1_000_000);
    return new OnnxSession(spec, model);
  }

  public ModelSpec spec() {
    return spec;
  }

  /**
   * A runner for one caller (a Spark task): it holds one DJL predictor until closed. Predictors are
   * not thread-safe; the session is, so any number of runners share it.
   */
  public SessionRunner newRunner() {
    checkOpen();
    predictorsOpened.incrementAndGet();
    return new SessionRunner(this, model.newPredictor(new BatchTranslator()));
  }

  /**
   * Runs one batch on a predictor opened for this call only; returns every output by name, copied
   * to heap floats. For one-off calls: a caller with many batches takes a {@link #newRunner()}.
   */
  public Map<String, Tensor> run(InputBatch batch) {
    try (SessionRunner runner = newRunner()) {
      return runner.run(batch);
    }
  }

  /** DJL predictors opened on this session so far: one per runner (observable for tests). */
  public long predictorsOpened() {
    return predictorsOpened.get();
  }

  /** Whether {@link #close()} has been called. */
  public boolean isClosed() {
    return closed.get();
  }

  void checkOpen() {
    if (closed.get()) {
      throw new IllegalStateException(
          "Cannot run model " + spec.name() + ": its session is closed");
    }
  }

  PipelineException runFailed(InputBatch batch, TranslateException e) {
    return new PipelineException(
        "Cannot run model "
            + spec.name()
            + " on a batch of "
            + batch.size()
            + ": "
            + rootMessage(e),
        e);
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      model.close();
    }
  }

  /** Feeds the direct buffer as one named tensor and copies every output out before it is freed. */
  private static final class BatchTranslator
      implements Translator<InputBatch, Map<String, Tensor>> {
    @Override
    public NDList processInput(TranslatorContext ctx, InputBatch batch) {
      NDManager manager = ctx.getNDManager();
      InputSpec in = batch.spec();
      int elements = in.elementsPerImage() * batch.size();
      Buffer data;
      DataType type;
      if (in.dtype() == InputSpec.DType.FLOAT32) {
        data = batch.floats().duplicate().position(0).limit(elements);
        type = DataType.FLOAT32;
      } else {
        data = batch.bytes().duplicate().position(0).limit(elements);
        type = DataType.UINT8;
      }
      NDArray array = manager.create(data, new Shape(batch.shape()), type);
      array.setName(in.name());
      return new NDList(array);
    }

    @Override
    public Map<String, Tensor> processOutput(TranslatorContext ctx, NDList list) {
      Map<String, Tensor> out = new LinkedHashMap<>();
      int i = 0;
      for (NDArray array : list) {
        String name = array.getName() != null ? array.getName() : "output_" + i;
        NDArray floats =
            array.getDataType() == DataType.FLOAT32 ? array : array.toType(DataType.FLOAT32, false);
        out.put(name, new Tensor(name, array.getShape().getShape(), floats.toFloatArray()));
        i++;
      }
      return out;
    }

    @Override
    public Batchifier getBatchifier() {
      return null;
    }
  }
}
