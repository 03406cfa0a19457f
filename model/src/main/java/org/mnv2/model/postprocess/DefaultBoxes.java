package org.mnv2.model.postprocess;

import java.util.ArrayList;
import java.util.List;
import org.mnv2.model.UsageException;

/**
 * SSD anchors ("default boxes") exactly as torchvision's {@code DefaultBoxGenerator} makes them, in
 * float32 arithmetic like torchvision, so that decoded boxes agree with the training framework.
 *
 * <p>Per feature map k (scales s_k, s_{k+1}): the width-height pairs are (s_k, s_k), (s'_k, s'_k)
 * with s'_k = sqrt(s_k * s_{k+1}), then (s_k sqrt(a), s_k / sqrt(a)) and its transpose for every
 * aspect ratio a, all clamped to [0, 1] when {@code clip}. Centres are ((j + 0.5) / f_x, (i + 0.5)
 * / f_y) with f the feature map size (or image size / step when steps are given). Order: feature
 * map, then row i, then column j, then width-height pair, matching the head's output order. Boxes
 * are corner coordinates in network-input pixels: (c - wh / 2) * size, (c + wh / 2) * size.
 *
 * @param featureMaps [height, width] of every feature map, in head output order
 * @param scales one more than feature maps (s_0 .. s_K)
 * @param steps null, or one per feature map
 */
record DefaultBoxes(
    List<int[]> featureMaps,
    List<double[]> aspectRatios,
    double[] scales,
    double[] steps,
    boolean clip,
    int imageWidth,
    int imageHeight) {

  DefaultBoxes {
    int k = featureMaps.size();
    if (k == 0) {
      throw new UsageException("Cannot read model spec: output.feature_maps is empty");
    }
    if (aspectRatios.size() != k) {
      throw new UsageException(
          "Cannot read model spec: output.aspect_ratios needs one list per feature map (expected "
              + k
              + ", got "
              + aspectRatios.size()
              + ")");
    }
    if (scales.length != k + 1) {
      throw new UsageException(
          "Cannot read model spec: output.scales needs one more value than feature maps (expected "
              + (k + 1)
              + ", got "
              + scales.length
              + ")");
    }
    if (steps != null && steps.length != k) {
      throw new UsageException(
          "Cannot read model spec: output.steps needs one value per feature map (expected "
              + k
              + ", got "
              + steps.length
              + ")");
    }
    for (int[] fm : featureMaps) {
      if (fm.length != 2 || fm[0] <= 0 || fm[1] <= 0) {
        throw new UsageException(
            "Cannot read model spec: output.feature_maps entries must be [height, width] > 0");
      }
    }
    featureMaps = featureMaps.stream().map(int[]::clone).toList();
    aspectRatios = aspectRatios.stream().map(double[]::clone).toList();
    scales = scales.clone();
    steps = steps == null ? null : steps.clone();
  }

  /**
   * torchvision's default scales when a spec gives none: K values evenly from {@code minRatio} to
   * {@code maxRatio}, then 1.0 (K > 1); or [minRatio, maxRatio] for a single feature map.
   */
  static double[] defaultScales(int featureMaps, double minRatio, double maxRatio) {
    if (featureMaps == 1) {
      return new double[] {minRatio, maxRatio};
    }
    double[] out = new double[featureMaps + 1];
    double range = maxRatio - minRatio;
    for (int k = 0; k < featureMaps; k++) {
      out[k] = minRatio + range * k / (featureMaps - 1.0);
    }
    out[featureMaps] = 1.0;
    return out;
  }

  /** Anchors per location of feature map k: 2 + 2 per aspect ratio. */
  int perLocation(int k) {
    return 2 + 2 * aspectRatios.get(k).length;
  }

  /** Total number of anchors. */
  int count() {
    int n = 0;
    for (int k = 0; k < featureMaps.size(); k++) {
      n += featureMaps.get(k)[0] * featureMaps.get(k)[1] * perLocation(k);
    }
    return n;
  }

  /** Width-height pairs of feature map k, relative to the image, as torchvision's float32. */
  float[][] whPairs(int k) {
    List<float[]> pairs = new ArrayList<>();
    double sk = scales[k];
    double skPrime = Math.sqrt(scales[k] * scales[k + 1]);
    pairs.add(new float[] {(float) sk, (float) sk});
    pairs.add(new float[] {(float) skPrime, (float) skPrime});
    for (double ar : aspectRatios.get(k)) {
      double sq = Math.sqrt(ar);
      float w = (float) (sk * sq);
      float h = (float) (sk / sq);
      pairs.add(new float[] {w, h});
      pairs.add(new float[] {h, w});
    }
    float[][] out = pairs.toArray(new float[0][]);
    if (clip) {
      for (float[] p : out) {
        p[0] = Math.min(Math.max(p[0], 0f), 1f);
        p[1] = Math.min(Math.max(p[1], 0f), 1f);
      }
    }
    return out;
  }

  /** All anchors as corner boxes {@code [x1, y1, x2, y2]} in network-input pixels, flattened. */
  float[] corners() {
    float[] out = new float[count() * 4];
    float sizeX = imageWidth;
    float sizeY = imageHeight;
    int o = 0;
    for (int k = 0; k < featureMaps.size(); k++) {
      int fh = featureMaps.get(k)[0];
      int fw = featureMaps.get(k)[1];
      float fx = steps == null ? fw : (float) (imageWidth / steps[k]);
      float fy = steps == null ? fh : (float) (imageHeight / steps[k]);
      float[][] pairs = whPairs(k);
      for (int i = 0; i < fh; i++) {
        float cy = (i + 0.5f) / fy;
        for (int j = 0; j < fw; j++) {
          float cx = (j + 0.5f) / fx;
          for (float[] wh : pairs) {
            float halfW = 0.5f * wh[0];
            float halfH = 0.5f * wh[1];
            out[o++] = (cx - halfW) * sizeX;
            out[o++] = (cy - halfH) * sizeY;
            out[o++] = (cx + halfW) * sizeX;
            out[o++] = (cy + halfH) * sizeY;
          }
        }
      }
    }
    return out;
  }
}
