package org.mnv2.eval.coco;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The 12 numbers of pycocotools' {@code COCOeval.summarize()} for bbox, in its order. A stat with
 * nothing to average (no category has ground truth in that area range) is -1.
 *
 * <p>AP is averaged over IoU .50:.95 (10 thresholds), 101 recall points and the categories with
 * ground truth; AR over the thresholds and categories. Small / medium / large and AP50 / AP75 use
 * maxDets 100.
 */
public record CocoStats(
    double ap,
    double ap50,
    double ap75,
    double apSmall,
    double apMedium,
    double apLarge,
    double ar1,
    double ar10,
    double ar100,
    double arSmall,
    double arMedium,
    double arLarge)
    implements Serializable {

  /** metrics.json keys, in pycocotools' {@code stats} order. */
  public static final List<String> NAMES =
      List.of(
          "AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10", "AR100", "ARs", "ARm", "ARl");

  /** Builds the stats from pycocotools' 12-element {@code stats} array. */
  public static CocoStats of(double[] stats) {
    if (stats.length != NAMES.size()) {
      throw new IllegalArgumentException(
          "Cannot create COCO stats: wrong length (expected "
              + NAMES.size()
              + " values in the order "
              + NAMES
              + ", got "
              + stats.length
              + ")");
    }
    return new CocoStats(
        stats[0], stats[1], stats[2], stats[3], stats[4], stats[5], stats[6], stats[7], stats[8],
        stats[9], stats[10], stats[11]);
  }

  /** pycocotools' {@code stats} array. */
  public double[] toArray() {
    return new double[] {
      ap, ap50, ap75, apSmall, apMedium, apLarge, ar1, ar10, ar100, arSmall, arMedium, arLarge
    };
  }

  /** {@link #NAMES} to values, in order: the {@code stats} object of metrics.json. */
  public Map<String, Double> byName() {
    double[] values = toArray();
    Map<String, Double> map = new LinkedHashMap<>();
    for (int i = 0; i < values.length; i++) {
      map.put(NAMES.get(i), values[i]);
    }
    return map;
  }
}
