package org.mnv2.model.postprocess;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.mnv2.model.image.ImageGeometry;
import org.mnv2.model.spec.Labels;

/**
 * Detection candidates of one image before NMS, as parallel growable arrays (corner boxes {@code
 * x1, y1, x2, y2}, scores, class indices): decoding fills thousands per image, so no object per
 * candidate. Coordinates are in whatever frame the decoder chose; {@link #toDetections} states the
 * frame it expects.
 */
final class Candidates {
  private float[] x1 = new float[64];
  private float[] y1 = new float[64];
  private float[] x2 = new float[64];
  private float[] y2 = new float[64];
  private float[] scores = new float[64];
  private int[] classes = new int[64];
  private int size;

  void add(float bx1, float by1, float bx2, float by2, float score, int classIndex) {
    if (size == scores.length) {
      int n = size * 2;
      x1 = Arrays.copyOf(x1, n);
      y1 = Arrays.copyOf(y1, n);
      x2 = Arrays.copyOf(x2, n);
      y2 = Arrays.copyOf(y2, n);
      scores = Arrays.copyOf(scores, n);
      classes = Arrays.copyOf(classes, n);
    }
    x1[size] = bx1;
    y1[size] = by1;
    x2[size] = bx2;
    y2[size] = by2;
    scores[size] = score;
    classes[size] = classIndex;
    size++;
  }

  int size() {
    return size;
  }

  float x1(int i) {
    return x1[i];
  }

  float y1(int i) {
    return y1[i];
  }

  float x2(int i) {
    return x2[i];
  }

  float y2(int i) {
    return y2[i];
  }

  float score(int i) {
    return scores[i];
  }

  int classIndex(int i) {
    return classes[i];
  }

  /** Indices by descending score; ties keep insertion order (a stable sort). */
  Integer[] byDescendingScore() {
    Integer[] order = new Integer[size];
    for (int i = 0; i < size; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Float.compare(scores[b], scores[a]));
    return order;
  }

  /**
   * The kept candidates as detections, in the given order. Boxes are in network-input pixels; they
   * are mapped to the original image through {@code geometry} and, with {@code clip}, clipped to
   * it.
   */
  List<Detection> toDetections(int[] keep, Labels labels, ImageGeometry geometry, boolean clip) {
    List<Detection> out = new ArrayList<>(keep.length);
    double w = geometry.originalWidth();
    double h = geometry.originalHeight();
    for (int i : keep) {
      double ox1 = geometry.toOriginalX(x1[i]);
      double oy1 = geometry.toOriginalY(y1[i]);
      double ox2 = geometry.toOriginalX(x2[i]);
      double oy2 = geometry.toOriginalY(y2[i]);
      if (clip) {
        ox1 = clamp(ox1, w);
        ox2 = clamp(ox2, w);
        oy1 = clamp(oy1, h);
        oy2 = clamp(oy2, h);
      }
      int c = classes[i];
      out.add(
          new Detection(
              c,
              labels.categoryId(c),
              labels.name(c),
              scores[i],
              (float) ox1,
              (float) oy1,
              (float) Math.max(0, ox2 - ox1),
              (float) Math.max(0, oy2 - oy1)));
    }
    return out;
  }

  private static double clamp(double v, double max) {
    return v < 0 ? 0 : Math.min(v, max);
  }
}
