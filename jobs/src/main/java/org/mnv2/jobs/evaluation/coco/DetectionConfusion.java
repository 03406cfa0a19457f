package org.mnv2.jobs.evaluation.coco;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.CoGroupFunction;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;

/**
 * The detection confusion matrix of a report and its images with the most errors, on executors. Per
 * image, detections at or above a score threshold are taken in descending score order; each takes
 * the not yet matched non-crowd ground-truth box of any category with the highest IoU, if that IoU
 * is at least 0.5 (IoU = intersection / union of the xywh boxes, continuous coordinates), and
 * counts in the cell (its ground truth's category, its own category). A detection that matches
 * nothing counts in the background row, unless it lies on a crowd region (intersection over its own
 * area at least 0.5), where it is ignored as COCOeval ignores it; a ground-truth box that nothing
 * matched counts in the background column. An image's missed boxes are those not matched by a
 * detection of their category, its false detections those not matching a box of theirs.
 */
public final class DetectionConfusion {
  static final double IOU = 0.5;

  private DetectionConfusion() {}

  /** An image's errors at the threshold. */
  public record ImageErrors(long imageId, int missed, int falseDetections) implements Serializable {
    int total() {
      return missed + falseDetections;
    }
  }

  /**
   * The matrix, {@code (K + 1) x (K + 1)} over {@code categoryIds} then background (rows ground
   * truth, columns detections), and the {@code worstN} images with the most errors.
   */
  public record Result(int[] categoryIds, long[][] matrix, List<ImageErrors> worst)
      implements Serializable {}

  /** Most errors first, then the lower image id. */
  static final Comparator<ImageErrors> WORST_FIRST =
      Comparator.comparingInt(ImageErrors::total)
          .reversed()
          .thenComparingLong(ImageErrors::imageId);

  /**
   * @param groundTruth rows of {@link SparkCocoEvaluator#GROUND_TRUTH}
   * @param detections rows of {@link SparkCocoEvaluator#DETECTIONS}
   */
  public static Result compute(
      Dataset<Row> groundTruth,
      Dataset<Row> detections,
      int[] categoryIds,
      double threshold,
      int worstN) {
    Dataset<ImageResult> images =
        groundTruth
            .groupByKey((MapFunction<Row, Long>) r -> r.getLong(2), Encoders.LONG())
            .cogroup(
                detections
                    .where(detections.col("score").geq(threshold))
                    .groupByKey((MapFunction<Row, Long>) r -> r.getLong(1), Encoders.LONG()),
                new MatchImage(categoryIds),
                Encoders.javaSerialization(ImageResult.class));
    Summary total =
        images
            .javaRDD()
            .mapPartitions(new Summarise(categoryIds.length + 1, worstN))
            .fold(new Summary(new long[0], List.of()), (a, b) -> a.merge(b, worstN));
    int k = categoryIds.length + 1;
    long[][] matrix = new long[k][k];
    if (total.cells().length > 0) {
      for (int i = 0; i < k; i++) {
        System.arraycopy(total.cells(), i * k, matrix[i], 0, k);
      }
    }
    return new Result(categoryIds.clone(), matrix, total.worst());
  }

  /** One image: its errors and its cells, as (row * (K + 1) + column) indices, one per count. */
  public record ImageResult(ImageErrors errors, int[] cells) implements Serializable {}

  /** A partition's (or the whole run's) matrix and worst images. */
  public record Summary(long[] cells, List<ImageErrors> worst) implements Serializable {
    Summary merge(Summary other, int worstN) {
      long[] sum = cells.length >= other.cells.length ? cells.clone() : other.cells.clone();
      long[] add = cells.length >= other.cells.length ? other.cells : cells;
      for (int i = 0; i < add.length; i++) {
        sum[i] += add[i];
      }
      List<ImageErrors> all = new ArrayList<>(worst);
      all.addAll(other.worst);
      all.sort(WORST_FIRST);
      return new Summary(sum, List.copyOf(all.subList(0, Math.min(worstN, all.size()))));
    }
  }

  static final class Summarise implements FlatMapFunction<Iterator<ImageResult>, Summary> {
    private final int k;
    private final int worstN;

    Summarise(int k, int worstN) {
      this.k = k;
      this.worstN = worstN;
    }

    @Override
    public Iterator<Summary> call(Iterator<ImageResult> images) {
      long[] cells = new long[k * k];
      java.util.PriorityQueue<ImageErrors> worst =
          new java.util.PriorityQueue<>(WORST_FIRST.reversed());
      while (images.hasNext()) {
        ImageResult image = images.next();
        for (int c : image.cells()) {
          cells[c]++;
        }
        if (image.errors().total() > 0) {
          worst.add(image.errors());
          if (worst.size() > worstN) {
            worst.poll();
          }
        }
      }
      List<ImageErrors> kept = new ArrayList<>(worst);
      kept.sort(WORST_FIRST);
      return List.of(new Summary(cells, kept)).iterator();
    }
  }

  /** Matches one image's detections to its ground truth, greedily by score. */
  static final class MatchImage implements CoGroupFunction<Long, Row, Row, ImageResult> {
    private final int[] categoryIds;

    MatchImage(int[] categoryIds) {
      this.categoryIds = categoryIds.clone();
    }

    @Override
    public Iterator<ImageResult> call(Long imageId, Iterator<Row> gts, Iterator<Row> dts) {
      Map<Integer, Integer> index = new HashMap<>();
      for (int i = 0; i < categoryIds.length; i++) {
        index.put(categoryIds[i], i);
      }
      int background = categoryIds.length;
      int k = background + 1;
      List<Row> truth = new ArrayList<>();
      List<Row> crowd = new ArrayList<>();
      gts.forEachRemaining(r -> (r.getBoolean(9) ? crowd : truth).add(r));
      truth.sort(Comparator.comparingInt(r -> r.getInt(0)));
      List<Row> detections = new ArrayList<>();
      dts.forEachRemaining(detections::add);
      // Descending score; equal scores keep the results order (idx), as COCOeval does.
      detections.sort(
          Comparator.comparingDouble((Row r) -> -r.getDouble(7))
              .thenComparingLong(r -> r.getLong(0)));
      boolean[] taken = new boolean[truth.size()];
      List<Integer> cells = new ArrayList<>();
      int missed = 0;
      int falseDetections = 0;
      for (Row d : detections) {
        int column = index.getOrDefault(d.getInt(2), -1);
        if (column < 0) {
          continue;
        }
        int best = -1;
        double bestIou = IOU;
        for (int g = 0; g < truth.size(); g++) {
          if (taken[g]) {
            continue;
          }
          double iou = iou(d, 3, truth.get(g), 4, false);
          if (iou >= bestIou) {
            best = g;
            bestIou = iou;
          }
        }
        if (best >= 0) {
          taken[best] = true;
          int row = index.getOrDefault(truth.get(best).getInt(3), background);
          cells.add(row * k + column);
          if (truth.get(best).getInt(3) != d.getInt(2)) {
            missed++;
            falseDetections++;
          }
        } else if (!onCrowd(d, crowd)) {
          cells.add(background * k + column);
          falseDetections++;
        }
      }
      for (int g = 0; g < truth.size(); g++) {
        if (!taken[g]) {
          cells.add(index.getOrDefault(truth.get(g).getInt(3), background) * k + background);
          missed++;
        }
      }
      int[] flat = cells.stream().mapToInt(Integer::intValue).toArray();
      return List.of(new ImageResult(new ImageErrors(imageId, missed, falseDetections), flat))
          .iterator();
    }

    private static boolean onCrowd(Row d, List<Row> crowd) {
      for (Row c : crowd) {
        if (iou(d, 3, c, 4, true) >= IOU) {
          return true;
        }
      }
      return false;
    }

    /**
     * IoU of the xywh boxes at columns {@code a} of {@code x} and {@code b} of {@code y}; over the
     * first box's own area when {@code overFirst} (a crowd region).
     */
    static double iou(Row x, int a, Row y, int b, boolean overFirst) {
      double ax = x.getDouble(a);
      double ay = x.getDouble(a + 1);
      double aw = x.getDouble(a + 2);
      double ah = x.getDouble(a + 3);
      double bx = y.getDouble(b);
      double by = y.getDouble(b + 1);
      double bw = y.getDouble(b + 2);
      double bh = y.getDouble(b + 3);
      double iw = Math.min(ax + aw, bx + bw) - Math.max(ax, bx);
      double ih = Math.min(ay + ah, by + bh) - Math.max(ay, by);
      if (iw <= 0 || ih <= 0) {
        return 0;
      }
      double inter = iw * ih;
      double union = overFirst ? aw * ah : aw * ah + bw * bh - inter;
      return union <= 0 ? 0 : inter / union;
    }
  }
}
