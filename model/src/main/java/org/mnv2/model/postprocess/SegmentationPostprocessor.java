package org.mnv2.model.postprocess;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mnv2.model.PipelineException;
import org.mnv2.model.UsageException;
import org.mnv2.model.image.ImageGeometry;
import org.mnv2.model.mask.LabelMask;
import org.mnv2.model.runtime.ModelSignature;
import org.mnv2.model.runtime.Tensor;
import org.mnv2.model.spec.Labels;
import org.mnv2.model.spec.ModelSpec;

/**
 * Semantic segmentation: one class index per original-image pixel, from per-pixel class logits
 * ({@code output.type: logits}, {@code layout} NCHW or NHWC) or from a label map ({@code type:
 * labels}, [N, H, W] or with a singleton channel axis), mapped back through the preprocessing's
 * {@link ImageGeometry}.
 *
 * <p>{@code to_original} says how the mask returns to the original size: {@code argmax-nearest}
 * (the default: argmax at the output resolution, ties to the lowest class index, then nearest
 * resize with {@code src = floor(dst * in / out)}) or {@code bilinear-argmax} (logits interpolated
 * bilinearly at each original pixel, {@code align_corners=False}, then argmax). Both work row by
 * row on primitive arrays: no per-pixel objects and never the full-resolution logits in memory.
 */
public final class SegmentationPostprocessor implements Postprocessor<LabelMask> {
  /** Labels are bytes, and 255 is VOC's "ignore", so a model may have at most 255 classes. */
  static final int MAX_CLASSES = 255;

  private enum Source {
    LOGITS,
    LABELS
  }

  private enum ToOriginal {
    ARGMAX_NEAREST,
    BILINEAR_ARGMAX,
    NEAREST
  }

  private final String modelName;
  private final String outputName;
  private final Source source;
  private final boolean channelsLast;
  private final ToOriginal toOriginal;
  private final Labels labels;
  private final int networkWidth;
  private final int networkHeight;

  public SegmentationPostprocessor(ModelSpec spec) {
    this.modelName = spec.name();
    String type = spec.output().type();
    this.source =
        switch (type) {
          case "logits" -> Source.LOGITS;
          case "labels" -> Source.LABELS;
          default ->
              throw new UsageException(
                  "Cannot read model spec "
                      + spec.name()
                      + ": segmentation output.type must be logits or labels (got '"
                      + type
                      + "')");
        };
    this.outputName = spec.output().string("name");
    String layout = spec.output().string("layout", "NCHW").trim().toUpperCase(Locale.ROOT);
    if (!layout.equals("NCHW") && !layout.equals("NHWC")) {
      throw new UsageException(
          "Cannot read model spec "
              + spec.name()
              + ": unknown output.layout '"
              + layout
              + "' (expected NCHW or NHWC)");
    }
    this.channelsLast = layout.equals("NHWC");
    this.toOriginal = toOriginal(spec, source);
    this.labels = spec.labels();
    this.networkWidth = spec.input().width();
    this.networkHeight = spec.input().height();
    if (labels.size() > MAX_CLASSES) {
      throw new UsageException(
          "Cannot read model spec "
              + spec.name()
              + ": too many labels for 8-bit masks (expected at most "
              + MAX_CLASSES
              + ", got "
              + labels.size()
              + ")");
    }
  }

  private static ToOriginal toOriginal(ModelSpec spec, Source source) {
    String fallback = source == Source.LOGITS ? "argmax-nearest" : "nearest";
    String value = spec.output().string("to_original", fallback).trim().toLowerCase(Locale.ROOT);
    List<String> allowed =
        source == Source.LOGITS ? List.of("argmax-nearest", "bilinear-argmax") : List.of("nearest");
    if (!allowed.contains(value)) {
      throw new UsageException(
          "Cannot read model spec "
              + spec.name()
              + ": unknown output.to_original '"
              + value
              + "' for output.type "
              + spec.output().type()
              + " (expected one of "
              + allowed
              + ")");
    }
    return ToOriginal.valueOf(value.toUpperCase(Locale.ROOT).replace('-', '_'));
  }

  @Override
  public List<String> requiredOutputs() {
    return List.of(outputName);
  }

  @Override
  public void check(ModelSignature signature) {
    ModelSignature.Port port = signature.outputs().get(outputName);
    long[] shape = port.shape();
    if (source == Source.LOGITS) {
      if (shape.length != 4) {
        throw new UsageException(
            "Cannot use model "
                + modelName
                + ": segmentation logits '"
                + outputName
                + "' must have rank 4 (expected "
                + (channelsLast ? "[N, H, W, classes]" : "[N, classes, H, W]")
                + ", model says "
                + port
                + ")");
      }
      long classes = channelsLast ? shape[3] : shape[1];
      if (classes > MAX_CLASSES) {
        throw new UsageException(
            "Cannot use model "
                + modelName
                + ": output '"
                + outputName
                + "' has "
                + classes
                + " classes (expected at most "
                + MAX_CLASSES
                + " for 8-bit masks; is output.layout "
                + (channelsLast ? "NHWC" : "NCHW")
                + " right? model says "
                + port
                + ")");
      }
      if (classes > 0 && labels.size() > 0 && classes != labels.size()) {
        throw new UsageException(
            "Cannot use model "
                + modelName
                + ": output '"
                + outputName
                + "' has "
                + classes
                + " classes but the spec lists "
                + labels.size()
                + " labels (is output.layout "
                + (channelsLast ? "NHWC" : "NCHW")
                + " right? model says "
                + port
                + ")");
      }
    } else if (shape.length != 3 && !(shape.length == 4 && (shape[1] == 1 || shape[3] == 1))) {
      throw new UsageException(
          "Cannot use model "
              + modelName
              + ": label map '"
              + outputName
              + "' must be [N, H, W] or have a singleton channel axis (model says "
              + port
              + ")");
    }
  }

  @Override
  public List<LabelMask> decode(Map<String, Tensor> outputs, List<ImageGeometry> geometries) {
    Tensor t = outputs.get(outputName);
    Grid grid = grid(t, geometries.size());
    float[] data = t.data();
    List<LabelMask> masks = new ArrayList<>(geometries.size());
    // Reused across the batch: the network-resolution labels and the running maxima.
    byte[] netLabels = new byte[grid.height * grid.width];
    float[] best = new float[grid.height * grid.width];
    for (int i = 0; i < geometries.size(); i++) {
      int base = i * grid.imageSize();
      OriginalGrid original =
          new OriginalGrid(geometries.get(i), networkWidth, networkHeight, grid.width, grid.height);
      byte[] mask;
      if (toOriginal == ToOriginal.BILINEAR_ARGMAX) {
        mask = bilinearArgmax(data, base, grid, original);
      } else {
        if (source == Source.LOGITS) {
          argmax(data, base, grid, netLabels, best);
        } else {
          readLabels(data, base, grid, netLabels);
        }
        mask = nearest(netLabels, grid.width, original);
      }
      masks.add(LabelMask.of(original.width(), original.height(), mask, grid.classes));
    }
    return masks;
  }

  /**
   * The output's grid size and class count, checked against the batch; {@code values} per cell is
   * the class count for logits and 1 for a label map.
   */
  private record Grid(int width, int height, int classes, int values) {
    int imageSize() {
      return width * height * values;
    }
  }

  private Grid grid(Tensor t, int images) {
    long[] shape = t.shape();
    Grid grid;
    if (source == Source.LOGITS) {
      if (t.rank() != 4) {
        throw shapeError(t);
      }
      grid =
          channelsLast
              ? new Grid(t.dim(2), t.dim(1), t.dim(3), t.dim(3))
              : new Grid(t.dim(3), t.dim(2), t.dim(1), t.dim(1));
      if (grid.classes > MAX_CLASSES) {
        throw shapeError(t);
      }
    } else {
      int h;
      int w;
      if (t.rank() == 3) {
        h = t.dim(1);
        w = t.dim(2);
      } else if (t.rank() == 4 && shape[1] == 1) {
        h = t.dim(2);
        w = t.dim(3);
      } else if (t.rank() == 4 && shape[3] == 1) {
        h = t.dim(1);
        w = t.dim(2);
      } else {
        throw shapeError(t);
      }
      int classes = labels.size() > 0 ? labels.size() : MAX_CLASSES;
      grid = new Grid(w, h, classes, 1);
    }
    if (t.dim(0) != images || (long) t.data().length != (long) grid.imageSize() * images) {
      throw shapeError(t);
    }
    return grid;
  }

  private PipelineException shapeError(Tensor t) {
    return new PipelineException(
        "Cannot decode segmentation output of model "
            + modelName
            + ": unexpected shape of '"
            + outputName
            + "' (expected "
            + (source == Source.LABELS
                ? "[N, H, W]"
                : channelsLast ? "[N, H, W, classes]" : "[N, classes, H, W]")
            + " with at most "
            + MAX_CLASSES
            + " classes, got "
            + Arrays.toString(t.shape())
            + ")");
  }

  /** Per-cell argmax over the classes; ties keep the lowest class index. */
  private void argmax(float[] data, int base, Grid grid, byte[] out, float[] best) {
    int cells = grid.width * grid.height;
    int classes = grid.classes;
    if (channelsLast) {
      for (int p = 0, o = base; p < cells; p++, o += classes) {
        int arg = 0;
        float max = data[o];
        for (int c = 1; c < classes; c++) {
          if (data[o + c] > max) {
            max = data[o + c];
            arg = c;
          }
        }
        out[p] = (byte) arg;
      }
      return;
    }
    // NCHW: class-major sweeps over contiguous planes, keeping the running maximum per cell.
    System.arraycopy(data, base, best, 0, cells);
    Arrays.fill(out, 0, cells, (byte) 0);
    for (int c = 1; c < classes; c++) {
      int plane = base + c * cells;
      for (int p = 0; p < cells; p++) {
        float v = data[plane + p];
        if (v > best[p]) {
          best[p] = v;
          out[p] = (byte) c;
        }
      }
    }
  }

  private void readLabels(float[] data, int base, Grid grid, byte[] out) {
    int cells = grid.width * grid.height;
    int limit = labels.size() > 0 ? labels.size() : MAX_CLASSES;
    for (int p = 0; p < cells; p++) {
      float v = data[base + p];
      if (!(v >= 0 && v < limit) || v != Math.rint(v)) {
        throw new PipelineException(
            "Cannot decode label map of model "
                + modelName
                + ": value "
                + v
                + " at cell "
                + p
                + " of '"
                + outputName
                + "' is not a class index (expected an integer in 0.."
                + (limit - 1)
                + ")");
      }
      out[p] = (byte) (int) v;
    }
  }

  private static byte[] nearest(byte[] netLabels, int gridWidth, OriginalGrid original) {
    int width = original.width();
    int height = original.height();
    int[] cols = original.nearestColumns();
    int[] rows = original.nearestRows();
    byte[] mask = new byte[width * height];
    for (int y = 0; y < height; y++) {
      int src = rows[y] * gridWidth;
      int dst = y * width;
      if (y > 0 && rows[y] == rows[y - 1]) {
        System.arraycopy(mask, dst - width, mask, dst, width);
        continue;
      }
      for (int x = 0; x < width; x++) {
        mask[dst + x] = netLabels[src + cols[x]];
      }
    }
    return mask;
  }

  private byte[] bilinearArgmax(float[] data, int base, Grid grid, OriginalGrid original) {
    int width = original.width();
    int height = original.height();
    OriginalGrid.Axis cols = original.bilinearColumns();
    OriginalGrid.Axis rows = original.bilinearRows();
    int[] x0 = cols.first();
    int[] x1 = cols.second();
    float[] wx = cols.weight();
    int classes = grid.classes;
    int cells = grid.width * grid.height;
    // Cell strides: NCHW planes are `cells` apart and cells adjacent; NHWC the other way round.
    int classStride = channelsLast ? 1 : cells;
    int cellStride = channelsLast ? classes : 1;
    byte[] mask = new byte[width * height];
    float[] best = new float[width];
    for (int y = 0; y < height; y++) {
      int r0 = rows.first()[y] * grid.width;
      int r1 = rows.second()[y] * grid.width;
      float wy = rows.weight()[y];
      int dst = y * width;
      for (int c = 0; c < classes; c++) {
        int plane = base + c * classStride;
        for (int x = 0; x < width; x++) {
          float top =
              data[plane + (r0 + x0[x]) * cellStride] * (1 - wx[x])
                  + data[plane + (r0 + x1[x]) * cellStride] * wx[x];
          float bottom =
              data[plane + (r1 + x0[x]) * cellStride] * (1 - wx[x])
                  + data[plane + (r1 + x1[x]) * cellStride] * wx[x];
          float v = top * (1 - wy) + bottom * wy;
          if (c == 0 || v > best[x]) {
            best[x] = v;
            mask[dst + x] = (byte) c;
          }
        }
      }
    }
    return mask;
  }
}
