package org.mnv2.model.postprocess;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.mnv2.model.UsageException;
import org.mnv2.model.image.ImageGeometry;
import org.mnv2.model.runtime.ModelSignature;
import org.mnv2.model.runtime.Tensor;
import org.mnv2.model.spec.Labels;
import org.mnv2.model.spec.ModelSpec;

/**
 * Classification: softmax over logits (or probabilities as given), then the top k by descending
 * probability; ties keep the lower class index first.
 */
public final class ClassificationPostprocessor implements Postprocessor<List<ClassScore>> {
  private final String outputName;
  private final boolean logits;
  private final int topK;
  private final Labels labels;

  public ClassificationPostprocessor(ModelSpec spec, int topK) {
    String type = spec.output().type();
    if (!type.equals("logits") && !type.equals("probabilities")) {
      throw new UsageException(
          "Cannot read model spec "
              + spec.name()
              + ": classification output.type must be logits or probabilities (got '"
              + type
              + "')");
    }
    if (topK < 1) {
      throw new UsageException("Cannot classify: --top-k must be >= 1 (got " + topK + ")");
    }
    this.outputName = spec.output().string("name");
    this.logits = type.equals("logits");
    this.topK = topK;
    this.labels = spec.labels();
  }

  @Override
  public List<String> requiredOutputs() {
    return List.of(outputName);
  }

  @Override
  public void check(ModelSignature signature) {
    long[] shape = signature.outputs().get(outputName).shape();
    long classes = shape[shape.length - 1];
    if (labels.size() > 0 && classes > 0 && classes != labels.size()) {
      throw new UsageException(
          "Cannot use model: output '"
              + outputName
              + "' has "
              + classes
              + " classes but the spec lists "
              + labels.size()
              + " labels");
    }
  }

  @Override
  public List<List<ClassScore>> decode(
      Map<String, Tensor> outputs, List<ImageGeometry> geometries) {
    Tensor t = outputs.get(outputName);
    int n = geometries.size();
    int classes = t.data().length / Math.max(1, t.dim(0));
    List<List<ClassScore>> out = new ArrayList<>(n);
    float[] row = new float[classes];
    for (int i = 0; i < n; i++) {
      System.arraycopy(t.data(), i * classes, row, 0, classes);
      double[] p = logits ? softmax(row) : toDoubles(row);
      out.add(topK(p));
    }
    return out;
  }

  private List<ClassScore> topK(double[] p) {
    int k = Math.min(topK, p.length);
    int[] best = new int[k];
    boolean[] taken = new boolean[p.length];
    for (int j = 0; j < k; j++) {
      int arg = -1;
      for (int c = 0; c < p.length; c++) {
        if (!taken[c] && (arg < 0 || p[c] > p[arg])) {
          arg = c;
        }
      }
      taken[arg] = true;
      best[j] = arg;
    }
    List<ClassScore> scores = new ArrayList<>(k);
    for (int c : best) {
      scores.add(new ClassScore(c, labels.name(c), (float) p[c]));
    }
    return scores;
  }

  /** Numerically stable softmax in double precision. */
  static double[] softmax(float[] logits) {
    double max = Double.NEGATIVE_INFINITY;
    for (float v : logits) {
      max = Math.max(max, v);
    }
    double sum = 0;
    double[] out = new double[logits.length];
    for (int i = 0; i < logits.length; i++) {
      out[i] = Math.exp(logits[i] - max);
      sum += out[i];
    }
    for (int i = 0; i < out.length; i++) {
      out[i] /= sum;
    }
    return out;
  }

  private static double[] toDoubles(float[] values) {
    double[] out = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i];
    }
    return out;
  }
}
