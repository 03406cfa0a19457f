package org.mnv2.model.runtime;

import ai.djl.engine.Engine;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.mnv2.model.UsageException;
import org.mnv2.model.spec.InputSpec;
import org.mnv2.model.spec.ModelSpec;

/**
 * Reads an ONNX file's declared inputs and outputs and checks them against a spec, so a spec that
 * does not fit its model fails at start-up with both sides named, not in the middle of a job.
 */
public final class ModelInspector {
  private ModelInspector() {}

  /** The signature of the model in {@code onnx}. */
  public static ModelSignature signature(ModelSpec spec, byte[] onnx) {
    // DJL's engine must own ONNX Runtime's initialisation; touch it before any raw ORT call.
    Engine.getEngine(OnnxSession.ENGINE);
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        OrtSession session = env.createSession(onnx, options)) {
      return new ModelSignature(ports(session.getInputInfo()), ports(session.getOutputInfo()));
    } catch (OrtException e) {
      throw new UsageException(
          "Cannot open model " + spec.name() + " (" + spec.uri() + "): " + e.getMessage(), e);
    }
  }

  private static Map<String, ModelSignature.Port> ports(Map<String, NodeInfo> infos) {
    Map<String, ModelSignature.Port> out = new LinkedHashMap<>();
    for (NodeInfo info : infos.values()) {
      if (info.getInfo() instanceof TensorInfo t) {
        out.put(
            info.getName(),
            new ModelSignature.Port(
                info.getName(), t.type.toString().toLowerCase(Locale.ROOT), t.getShape()));
      } else {
        out.put(
            info.getName(),
            new ModelSignature.Port(info.getName(), info.getInfo().toString(), new long[0]));
      }
    }
    return out;
  }

  /**
   * Checks the spec's input contract and the outputs its postprocessor needs against the model.
   *
   * @throws UsageException naming the spec's and the model's side of the first mismatch
   */
  public static void check(ModelSpec spec, ModelSignature sig, List<String> requiredOutputs) {
    InputSpec in = spec.input();
    ModelSignature.Port port = sig.inputs().get(in.name());
    if (port == null) {
      throw mismatch(
          spec, "spec input '" + in.name() + "' is not a model input", sig.inputs().keySet());
    }
    long[] shape = port.shape();
    if (shape.length != 4) {
      throw new UsageException(
          "Cannot use model "
              + spec.name()
              + ": input '"
              + in.name()
              + "' has rank "
              + shape.length
              + " (expected 4 for "
              + in.layout()
              + ", model says "
              + port
              + ")");
    }
    String expectedType = in.dtype() == InputSpec.DType.FLOAT32 ? "float" : "uint8";
    if (!port.type().equals(expectedType)) {
      throw new UsageException(
          "Cannot use model "
              + spec.name()
              + ": input '"
              + in.name()
              + "' is "
              + port.type()
              + " but the spec says "
              + in.dtype().name().toLowerCase(Locale.ROOT)
              + " (model says "
              + port
              + ")");
    }
    boolean nchw = in.layout() == InputSpec.Layout.NCHW;
    long c = nchw ? shape[1] : shape[3];
    long h = nchw ? shape[2] : shape[1];
    long w = nchw ? shape[3] : shape[2];
    if ((c > 0 && c != 3) || (h > 0 && h != in.height()) || (w > 0 && w != in.width())) {
      throw new UsageException(
          "Cannot use model "
              + spec.name()
              + ": input '"
              + in.name()
              + "' is "
              + port
              + " but the spec says "
              + in.layout()
              + " 3x"
              + in.height()
              + "x"
              + in.width());
    }
    for (String output : requiredOutputs) {
      if (!sig.outputs().containsKey(output)) {
        throw mismatch(
            spec, "spec output '" + output + "' is not a model output", sig.outputs().keySet());
      }
    }
  }

  /** The largest batch the model accepts: its static batch dimension, or {@code wanted}. */
  public static int maxBatch(ModelSpec spec, ModelSignature sig, int wanted) {
    long n = sig.inputs().get(spec.input().name()).shape()[0];
    return n > 0 ? (int) Math.min(n, wanted) : wanted;
  }

  private static UsageException mismatch(ModelSpec spec, String what, java.util.Set<String> have) {
    return new UsageException(
        "Cannot use model "
            + spec.name()
            + ": "
            + what
            + " (expected one of "
            + new TreeSet<>(have)
            + ")");
  }
}
