package org.mnv2.jobs.evaluation.coco;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.regexp_extract;

import java.awt.Color;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.mnv2.eval.coco.CocoAnnotation;
import org.mnv2.eval.coco.CocoAreaRange;
import org.mnv2.eval.coco.CocoCategoryAccumulation;
import org.mnv2.eval.coco.CocoCategoryAp;
import org.mnv2.eval.coco.CocoDataset;
import org.mnv2.eval.coco.CocoImage;
import org.mnv2.jobs.report.Charts;
import org.mnv2.jobs.report.Html;
import org.mnv2.jobs.report.Html.Cell;
import org.mnv2.jobs.report.Thumbnails;
import org.mnv2.jobs.run.JobRun;
import org.mnv2.jobs.storage.HadoopVocFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * eval-coco's {@code report.html}: the 12 stats, the per-category table, precision-recall curves
 * from the accumulations' precision arrays (the numbers the stats are averaged from), precision,
 * recall and F1 against the score threshold, the detection confusion matrix ({@link
 * DetectionConfusion}) and the images with the most errors, boxes drawn. Only per-category figures,
 * the matrix and the gallery's few images reach the driver.
 */
public final class CocoReport {
  private static final Logger LOG = LoggerFactory.getLogger(CocoReport.class);

  /** Images in the gallery. */
  static final int GALLERY = 12;

  private static final int THUMBNAIL = 320;
  private static final Color TRUTH = new Color(0x1B9E4B);
  private static final Color DETECTION = new Color(0xD62728);

  private CocoReport() {}

  /**
   * Writes report.html into the run's output.
   *
   * @param detections rows of {@link SparkCocoEvaluator#DETECTIONS}
   * @param imageUris the images by URI (column {@code image_uri}) for the gallery, or null when the
   *     detections come from a results file (boxes are then drawn on a blank canvas)
   * @param source what was evaluated, for the page's first line
   */
  public static void write(
      JobRun run,
      CocoDataset groundTruth,
      SparkCocoEvaluator.Detailed detailed,
      Dataset<Row> detections,
      Dataset<Row> imageUris,
      String source) {
    long start = System.nanoTime();
    SparkSession spark = run.spark();
    ScoreHistogram scores = detailed.scores();
    int bestBin = scores.bestF1Bin();
    double threshold = ScoreHistogram.threshold(bestBin);
    List<CocoCategoryAccumulation> accumulations = new ArrayList<>(detailed.accumulations());
    accumulations.sort(java.util.Comparator.comparingInt(CocoCategoryAccumulation::categoryId));
    int[] categoryIds =
        accumulations.stream().mapToInt(CocoCategoryAccumulation::categoryId).toArray();
    // The matrix and the gallery's choice run on the executors while the driver draws the charts.
    ExecutorService background =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "mnv2-report-confusion");
              t.setDaemon(true);
              return t;
            });
    Future<DetectionConfusion.Result> pending =
        background.submit(
            () ->
                DetectionConfusion.compute(
                    SparkCocoEvaluator.groundTruthFrame(spark, groundTruth),
                    detections,
                    categoryIds,
                    threshold,
                    GALLERY));
    background.shutdown();
    Map<Integer, String> names = new HashMap<>();
    groundTruth.categories().forEach(c -> names.put(c.id(), c.name()));

    Html html = new Html("eval-coco report");
    Map<String, Object> data = new LinkedHashMap<>();
    Map<String, Object> metrics = CocoOutputs.metricsJson(detailed.evaluation());
    data.put("metrics", metrics);
    data.put("score_threshold", threshold);

    html.heading("Summary");
    Map<String, Double> stats = new LinkedHashMap<>();
    detailed.evaluation().stats().byName().forEach(stats::put);
    html.stats(stats);
    html.paragraph(
        "COCOeval bbox statistics (pycocotools conventions): AP averaged over IoU 0.50:0.95, AR"
            + " with at most 1, 10 or 100 detections per image and category; s / m / l are the"
            + " small, medium and large area ranges; '-' means nothing to average.");

    perCategoryTable(html, groundTruth, detailed, accumulations, data);
    long t0 = System.nanoTime();
    curves(html, accumulations, names);
    thresholdChart(html, scores, bestBin, data);
    long t1 = System.nanoTime();
    DetectionConfusion.Result confusion = await(pending);
    long confusionWait = System.nanoTime() - t1;
    confusionMatrix(html, confusion, names, threshold, data);
    long t2 = System.nanoTime();
    gallery(run, html, groundTruth, detections, imageUris, confusion, names, threshold, data);
    LOG.info(
        "Report parts: waited {} ms for the confusion job, curves {} ms, matrix {} ms, gallery {}"
            + " ms",
        confusionWait / 1_000_000,
        (t1 - t0) / 1_000_000,
        (t2 - t1) / 1_000_000,
        (System.nanoTime() - t2) / 1_000_000);

    String meta =
        String.format(
            Locale.ROOT,
            "%s · %d images · %d categories · run %s",
            source,
            detailed.evaluation().images(),
            groundTruth.categories().size(),
            run.runId());
    html.write(run, meta, data, start);
  }

  private static DetectionConfusion.Result await(Future<DetectionConfusion.Result> pending) {
    try {
      return pending.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Cannot write the report: interrupted", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException("Cannot write the report: " + e.getCause(), e.getCause());
    }
  }

  private static void perCategoryTable(
      Html html,
      CocoDataset groundTruth,
      SparkCocoEvaluator.Detailed detailed,
      List<CocoCategoryAccumulation> accumulations,
      Map<String, Object> data) {
    Map<Integer, CocoCategoryAccumulation> byId = new HashMap<>();
    accumulations.forEach(a -> byId.put(a.categoryId(), a));
    Map<Integer, Long> truthCounts = new HashMap<>();
    for (CocoAnnotation a : groundTruth.annotations()) {
      if (!a.crowd()) {
        truthCounts.merge(a.categoryId(), 1L, Long::sum);
      }
    }
    List<List<Cell>> rows = new ArrayList<>();
    List<Map<String, Object>> detail = new ArrayList<>();
    for (CocoCategoryAp c : detailed.evaluation().perCategory()) {
      CocoCategoryAccumulation a = byId.get(c.categoryId());
      Double ap50 = a == null ? null : meanPrecision(a, 0, 0);
      Double ap75 = a == null ? null : meanPrecision(a, 5, 5);
      Double ar100 = a == null ? null : meanRecall(a);
      long truth = truthCounts.getOrDefault(c.categoryId(), 0L);
      long dets = detailed.detectionsByCategory().getOrDefault(c.categoryId(), 0L);
      rows.add(
          List.of(
              Cell.name(c.name()),
              Cell.count(c.categoryId()),
              Cell.number(c.ap()),
              Cell.number(ap50),
              Cell.number(ap75),
              Cell.number(ar100),
              Cell.count(truth),
              Cell.count(dets)));
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("category_id", c.categoryId());
      entry.put("name", c.name());
      entry.put("AP", c.ap());
      entry.put("AP50", ap50);
      entry.put("AP75", ap75);
      entry.put("AR100", ar100);
      entry.put("ground_truth", truth);
      entry.put("detections", dets);
      detail.add(entry);
    }
    data.put("per_category_detail", detail);
    html.heading("Per category");
    html.paragraph(
        "Click a column to sort. AP is metrics.json's per-category AP (IoU 0.50:0.95, all areas,"
            + " 100 detections); AP50 and AP75 at one IoU; AR100 the recall with 100 detections"
            + " averaged over IoU 0.50:0.95; ground truth counts non-crowd boxes, detections those"
            + " evaluated (at most 100 per image and category).");
    html.table(
        "per-category",
        List.of("category", "id", "AP", "AP50", "AP75", "AR100", "ground truth", "detections"),
        rows);
  }

  /** Mean interpolated precision over IoU thresholds t0..t1, area all, 100 detections. */
  static Double meanPrecision(CocoCategoryAccumulation a, int t0, int t1) {
    double sum = 0;
    int n = 0;
    for (int t = t0; t <= t1; t++) {
      for (int r = 0; r < 101; r++) {
        double p = a.precision(t, r, CocoAreaRange.ALL, 2);
        if (p > -1) {
          sum += p;
          n++;
        }
      }
    }
    return n == 0 ? null : sum / n;
  }

  static Double meanRecall(CocoCategoryAccumulation a) {
    double sum = 0;
    int n = 0;
    for (int t = 0; t < 10; t++) {
      double r = a.recall(t, CocoAreaRange.ALL, 2);
      if (r > -1) {
        sum += r;
        n++;
      }
    }
    return n == 0 ? null : sum / n;
  }

  /** Precision at the 101 recall points, at IoU 0.5 or averaged over all ten thresholds. */
  static double[] curve(CocoCategoryAccumulation a, boolean allThresholds) {
    double[] out = new double[101];
    for (int r = 0; r < 101; r++) {
      double sum = 0;
      int n = 0;
      for (int t = 0; t < (allThresholds ? 10 : 1); t++) {
        double p = a.precision(t, r, CocoAreaRange.ALL, 2);
        if (p > -1) {
          sum += p;
          n++;
        }
      }
      out[r] = n == 0 ? -1 : sum / n;
    }
    return out;
  }

  private static void curves(
      Html html, List<CocoCategoryAccumulation> accumulations, Map<Integer, String> names) {
    double[] recall = new double[101];
    for (int r = 0; r < 101; r++) {
      recall[r] = r / 100.0;
    }
    double[] mean50 = new double[101];
    double[] meanAll = new double[101];
    int n = 0;
    List<SmallCurve> small = new ArrayList<>();
    for (CocoCategoryAccumulation a : accumulations) {
      if (a.recall(0, CocoAreaRange.ALL, 2) <= -1) {
        continue; // no ground truth: no curve (left out of every mean)
      }
      double[] c50 = curve(a, false);
      double[] cAll = curve(a, true);
      for (int r = 0; r < 101; r++) {
        mean50[r] += c50[r];
        meanAll[r] += cAll[r];
      }
      n++;
      small.add(
          new SmallCurve(
              names.getOrDefault(a.categoryId(), Integer.toString(a.categoryId())), c50, cAll));
    }
    // Drawing 80 charts is most of the report's driver time: draw them on all cores, in order.
    List<String> figures =
        small.parallelStream()
            .map(
                c ->
                    "<figure><img src=\""
                        + Charts.small(
                            c.name(),
                            recall,
                            List.of(
                                new Charts.Line("IoU 0.5", recall, c.at50()),
                                new Charts.Line("IoU 0.5:0.95", recall, c.averaged())))
                        + "\" alt=\"precision-recall "
                        + Html.text(c.name())
                        + "\" width=\"200\"><figcaption>"
                        + Html.text(c.name())
                        + "</figcaption></figure>")
            .toList();
    html.heading("Precision-recall curves");
    html.paragraph(
        "Interpolated precision at the 101 recall points of COCOeval's accumulation (all areas,"
            + " 100 detections per image): at IoU 0.5, and averaged over IoU 0.50:0.95. The mean"
            + " over categories with ground truth at IoU 0.50:0.95 integrates to AP; the mean at"
            + " IoU 0.5 to AP50. Small charts (precision against recall, 0 to 1): blue IoU 0.5,"
            + " orange IoU 0.50:0.95.");
    if (n > 0) {
      for (int r = 0; r < 101; r++) {
        mean50[r] /= n;
        meanAll[r] /= n;
      }
      html.figure(
          Charts.lines(
              "All categories (mean of " + n + ")",
              "recall",
              "precision",
              List.of(
                  new Charts.Line("IoU 0.5", recall, mean50),
                  new Charts.Line("IoU 0.5:0.95", recall, meanAll)),
              560,
              380),
          "precision-recall, all categories",
          "Mean precision over the categories with ground truth.",
          560);
      html.raw("<div class=\"small\">" + String.join("", figures) + "</div>");
    } else {
      html.paragraph("No category has ground truth: there is no curve to draw.");
    }
  }

  /** One category's curves: at IoU 0.5 and averaged over 0.50:0.95. */
  private record SmallCurve(String name, double[] at50, double[] averaged) {}

  private static void thresholdChart(
      Html html, ScoreHistogram scores, int bestBin, Map<String, Object> data) {
    double[] x = new double[ScoreHistogram.BINS];
    double[] p = new double[x.length];
    double[] r = new double[x.length];
    double[] f = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      double[] at = scores.at(i);
      x[i] = ScoreHistogram.threshold(i);
      p[i] = at[0];
      r[i] = at[1];
      f[i] = at[2];
    }
    double[] best = scores.at(bestBin);
    data.put("at_score_threshold", Map.of("precision", best[0], "recall", best[1], "F1", best[2]));
    html.heading("Precision, recall and F1 against the score threshold");
    html.paragraph(
        String.format(
            Locale.ROOT,
            "Detections with a score at or above the threshold, matched as COCOeval matches them"
                + " at IoU 0.5 (per image and category, at most 100). The best F1, %.3f"
                + " (precision %.3f, recall %.3f), is at threshold %.2f: the confusion matrix and"
                + " the gallery use it.",
            best[2],
            best[0],
            best[1],
            ScoreHistogram.threshold(bestBin)));
    html.figure(
        Charts.lines(
            "Precision / recall / F1 (IoU 0.5)",
            "score threshold",
            "",
            List.of(
                new Charts.Line("precision", x, p),
                new Charts.Line("recall", x, r),
                new Charts.Line("F1", x, f)),
            560,
            380),
        "precision, recall and F1 against the score threshold",
        "Scores binned by 0.01.",
        560);
  }

  private static void confusionMatrix(
      Html html,
      DetectionConfusion.Result confusion,
      Map<Integer, String> names,
      double threshold,
      Map<String, Object> data) {
    List<String> labels = new ArrayList<>();
    for (int id : confusion.categoryIds()) {
      labels.add(names.getOrDefault(id, Integer.toString(id)));
    }
    labels.add("background");
    int k = labels.size();
    double[][] values = new double[k][k];
    List<List<Long>> rows = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      List<Long> row = new ArrayList<>();
      for (int j = 0; j < k; j++) {
        values[i][j] = confusion.matrix()[i][j];
        row.add(confusion.matrix()[i][j]);
      }
      rows.add(row);
    }
    data.put("confusion", Map.of("labels", labels, "matrix", rows));
    html.heading("Detection confusion matrix");
    html.paragraph(
        String.format(
            Locale.ROOT,
            "Rows: ground truth; columns: detections with score >= %.2f. Per image, detections in"
                + " descending score order each take the unmatched non-crowd ground-truth box of"
                + " any category with the highest IoU, if it is at least 0.5 (greedy by score,"
                + " IoU >= 0.5). A detection that matches no box counts in the background row"
                + " (one on a crowd region is ignored); a box no detection matched counts in the"
                + " background column.",
            threshold));
    int side = Math.min(1100, Math.max(420, 160 + 18 * k));
    html.figure(
        Charts.heatMap("Detections by ground truth", labels, labels, values, k <= 24, side, side),
        "detection confusion matrix",
        "Counts of boxes; the diagonal is correct detections.",
        Math.min(side, 900));
  }

  private static void gallery(
      JobRun run,
      Html html,
      CocoDataset groundTruth,
      Dataset<Row> detections,
      Dataset<Row> imageUris,
      DetectionConfusion.Result confusion,
      Map<Integer, String> names,
      double threshold,
      Map<String, Object> data) {
    List<DetectionConfusion.ImageErrors> worst = confusion.worst();
    html.heading("Images with the most missed and false detections");
    List<Map<String, Object>> entries = new ArrayList<>();
    if (worst.isEmpty()) {
      html.paragraph("No image has a missed or false detection at this threshold.");
      data.put("gallery", entries);
      return;
    }
    Object[] ids = worst.stream().map(DetectionConfusion.ImageErrors::imageId).toArray();
    Map<Long, List<Row>> dets = new HashMap<>();
    for (Row r :
        detections
            .where(col("image_id").isin(ids).and(col("score").geq(threshold)))
            .collectAsList()) {
      dets.computeIfAbsent(r.getLong(1), x -> new ArrayList<>()).add(r);
    }
    Map<Long, CocoImage> images = new HashMap<>();
    groundTruth.images().forEach(i -> images.put(i.id(), i));
    Map<Long, List<CocoAnnotation>> truth = new HashMap<>();
    for (CocoAnnotation a : groundTruth.annotations()) {
      if (dets.containsKey(a.imageId()) || java.util.Arrays.asList(ids).contains(a.imageId())) {
        truth.computeIfAbsent(a.imageId(), x -> new ArrayList<>()).add(a);
      }
    }
    Map<String, String> uris = imageUris(imageUris, worst, images);
    Configuration conf = run.spark().sparkContext().hadoopConfiguration();
    html.paragraph(
        String.format(
            Locale.ROOT,
            "The %d images with the most errors at score >= %.2f (a box of the wrong category"
                + " counts as both). Green: ground truth; red: detections with their scores.",
            worst.size(),
            threshold));
    StringBuilder cards = new StringBuilder("<div class=\"gallery\">");
    for (DetectionConfusion.ImageErrors e : worst) {
      CocoImage image = images.get(e.imageId());
      String fileName = image == null || image.fileName() == null ? "" : image.fileName();
      List<Thumbnails.Box> boxes = new ArrayList<>();
      for (CocoAnnotation a : truth.getOrDefault(e.imageId(), List.of())) {
        boxes.add(
            new Thumbnails.Box(
                a.bbox().x(),
                a.bbox().y(),
                a.bbox().width(),
                a.bbox().height(),
                TRUTH,
                names.getOrDefault(a.categoryId(), "") + (a.crowd() ? " (crowd)" : "")));
      }
      for (Row d : dets.getOrDefault(e.imageId(), List.of())) {
        boxes.add(
            new Thumbnails.Box(
                d.getDouble(3),
                d.getDouble(4),
                d.getDouble(5),
                d.getDouble(6),
                DETECTION,
                String.format(
                    Locale.ROOT,
                    "%s %.2f",
                    names.getOrDefault(d.getInt(2), Integer.toString(d.getInt(2))),
                    d.getDouble(7))));
      }
      String uri = uris.get(baseName(fileName));
      java.awt.image.BufferedImage picture = uri == null ? null : read(uri, conf);
      String thumb =
          Charts.dataUri(
              Thumbnails.withBoxes(
                  picture,
                  image == null ? THUMBNAIL : image.width(),
                  image == null ? THUMBNAIL : image.height(),
                  boxes,
                  THUMBNAIL),
              "jpeg");
      cards
          .append("<div class=\"card\"><div class=\"name\">")
          .append(Html.text(fileName))
          .append("</div><div>image ")
          .append(e.imageId())
          .append(": ")
          .append(e.missed())
          .append(" missed, ")
          .append(e.falseDetections())
          .append(" false")
          .append(picture == null ? " (image not available: boxes on a blank canvas)" : "")
          .append("</div><img src=\"")
          .append(thumb)
          .append("\" alt=\"")
          .append(Html.text(fileName))
          .append("\"></div>");
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("image_id", e.imageId());
      entry.put("file_name", fileName);
      entry.put("missed", e.missed());
      entry.put("false", e.falseDetections());
      entries.add(entry);
    }
    html.raw(cards.append("</div>").toString());
    data.put("gallery", entries);
  }

  /** The gallery's image URIs by file name, looked up for those images only. */
  private static Map<String, String> imageUris(
      Dataset<Row> imageUris,
      List<DetectionConfusion.ImageErrors> worst,
      Map<Long, CocoImage> images) {
    Map<String, String> out = new HashMap<>();
    if (imageUris == null) {
      return out;
    }
    Object[] names =
        worst.stream()
            .map(e -> images.get(e.imageId()))
            .filter(i -> i != null && i.fileName() != null)
            .map(i -> baseName(i.fileName()))
            .toArray();
    for (Row r :
        imageUris
            .select(col("image_uri"))
            .where(regexp_extract(col("image_uri"), "[^/]+$", 0).isin(names))
            .collectAsList()) {
      out.put(baseName(r.getString(0)), r.getString(0));
    }
    return out;
  }

  private static String baseName(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  private static java.awt.image.BufferedImage read(String uri, Configuration conf) {
    try {
      return Thumbnails.decode(HadoopVocFiles.read(new Path(uri), conf));
    } catch (IOException | RuntimeException e) {
      LOG.warn("Cannot read {} for the report's gallery: {}", uri, e.getMessage());
      return null;
    }
  }
}
