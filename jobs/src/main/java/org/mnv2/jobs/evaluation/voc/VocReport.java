package org.mnv2.jobs.evaluation.voc;

import static org.apache.spark.sql.functions.col;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.mnv2.eval.voc.ConfusionMatrix;
import org.mnv2.eval.voc.SegmentationMetrics;
import org.mnv2.eval.voc.VocSplit;
import org.mnv2.jobs.report.Charts;
import org.mnv2.jobs.report.Html;
import org.mnv2.jobs.report.Html.Cell;
import org.mnv2.jobs.report.Thumbnails;
import org.mnv2.jobs.run.JobRun;
import org.mnv2.jobs.storage.HadoopVocFiles;
import org.mnv2.model.mask.LabelMask;
import org.mnv2.model.mask.PaletteMasks;

/**
 * eval-voc's {@code report.html}: mIoU, pixel accuracy and mean class accuracy, the per-class
 * table, the confusion matrix as heat maps (pixel counts, and rows normalised to the ground truth's
 * pixels), and the images with the lowest IoU of their own: image, ground truth and prediction side
 * by side. Only the summed matrix and the gallery's few images reach the driver.
 */
public final class VocReport {

  /** Images in the gallery. */
  public static final int GALLERY = 8;

  private static final int THUMBNAIL = 220;

  private VocReport() {}

  /**
   * Writes report.html into the run's output.
   *
   * @param metrics what metrics.json holds ({@code metricsJson})
   * @param predictions the model run's predictions (for the gallery's masks), or null
   */
  public static void write(
      JobRun run,
      VocSplit split,
      List<String> names,
      SegmentationMetrics segmentation,
      Map<String, Object> metrics,
      VocMatrices.Evaluated evaluated,
      Dataset<Row> predictions,
      String source) {
    long start = System.nanoTime();
    Html html = new Html("eval-voc report");
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("metrics", metrics);

    html.heading("Summary");
    Map<String, Double> stats = new LinkedHashMap<>();
    stats.put("mIoU", segmentation.meanIoU());
    stats.put("pixel_accuracy", segmentation.pixelAccuracy());
    stats.put("mean_class_accuracy", segmentation.meanClassAccuracy());
    html.stats(stats);
    html.paragraph(
        "One confusion matrix over the whole split (ground truth 255 ignored); IoU = TP / (TP +"
            + " FP + FN) per class; mIoU the mean over classes present in ground truth or"
            + " prediction; '-' for a class in neither.");

    List<List<Cell>> rows = new ArrayList<>();
    for (SegmentationMetrics.ClassMetrics c : segmentation.perClass()) {
      rows.add(
          List.of(
              Cell.name(c.name()),
              Cell.count(c.classIndex()),
              Cell.number(c.iou()),
              Cell.number(c.accuracy()),
              Cell.count(c.truthPixels()),
              Cell.count(c.predictedPixels()),
              Cell.count(c.truePositives())));
    }
    html.heading("Per class");
    html.paragraph(
        "Click a column to sort. Accuracy: the class's ground-truth pixels predicted as it.");
    html.table(
        "per-class",
        List.of(
            "class", "index", "IoU", "accuracy", "truth pixels", "predicted pixels", "true pos."),
        rows);

    confusion(html, names, evaluated.matrix(), data);
    gallery(run, html, split, evaluated.worst(), predictions, data);

    String meta =
        String.format(
            Locale.ROOT,
            "%s · split %s · %d images · %d classes · run %s",
            source,
            split.name(),
            segmentation.images(),
            names.size(),
            run.runId());
    html.write(run, meta, data, start);
  }

  private static void confusion(
      Html html, List<String> names, ConfusionMatrix matrix, Map<String, Object> data) {
    int k = names.size();
    double[][] counts = new double[k][k];
    double[][] normalised = new double[k][k];
    List<List<Long>> raw = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      long truth = matrix.truthPixels(i);
      List<Long> row = new ArrayList<>();
      for (int j = 0; j < k; j++) {
        long n = matrix.count(i, j);
        row.add(n);
        counts[i][j] = n;
        normalised[i][j] = truth == 0 ? 0 : Math.round(1000.0 * n / truth) / 1000.0;
      }
      raw.add(row);
    }
    data.put("confusion", Map.of("labels", names, "matrix", raw));
    html.heading("Confusion matrix");
    html.paragraph(
        "Rows: ground-truth class; columns: predicted class. Left: pixel counts; right: each row"
            + " divided by its ground-truth pixels (the diagonal is the class accuracy).");
    int side = Math.max(420, Math.min(760, 200 + 26 * k));
    html.raw("<div class=\"charts\">");
    html.figure(
        Charts.heatMap("Pixels", names, names, counts, false, side, side),
        "confusion matrix, pixel counts",
        "Pixel counts.",
        Math.min(side, 640));
    html.figure(
        Charts.heatMap("Row-normalised", names, names, normalised, k <= 24, side, side),
        "confusion matrix, row-normalised",
        "Fraction of each ground-truth class's pixels.",
        Math.min(side, 640));
    html.raw("</div>");
  }

  private static void gallery(
      JobRun run,
      Html html,
      VocSplit split,
      List<VocMatrices.ImageIou> worst,
      Dataset<Row> predictions,
      Map<String, Object> data) {
    html.heading("Images with the lowest IoU");
    html.paragraph(
        "Each image's own mean IoU over the classes in its ground truth or prediction, lowest"
            + " first: the image, its ground truth and the prediction (VOC palette; the cream"
            + " band is 255, ignored).");
    Configuration conf = run.spark().sparkContext().hadoopConfiguration();
    Map<String, byte[]> fromRun = new HashMap<>();
    if (predictions != null) {
      Object[] uris =
          worst.stream()
              .filter(VocMatrices.ImageIou::inPredictions)
              .map(VocMatrices.ImageIou::prediction)
              .toArray();
      if (uris.length > 0) {
        for (Row r :
            predictions
                .where(col("image_uri").isin(uris))
                .select("image_uri", "mask_png")
                .collectAsList()) {
          fromRun.put(r.getString(0), (byte[]) r.get(1));
        }
      }
    }
    List<Map<String, Object>> entries = new ArrayList<>();
    StringBuilder cards = new StringBuilder("<div class=\"gallery\">");
    for (VocMatrices.ImageIou image : worst) {
      BufferedImage photo = Thumbnails.decode(read(split.imageUri(image.id()), conf));
      String truth = mask(read(image.truthUri(), conf), image.truthUri());
      byte[] png =
          image.inPredictions() ? fromRun.get(image.prediction()) : read(image.prediction(), conf);
      String predicted = mask(png, image.prediction());
      String picture =
          photo == null
              ? Charts.dataUri(
                  Thumbnails.withBoxes(null, THUMBNAIL, THUMBNAIL * 3 / 4, List.of(), THUMBNAIL),
                  "jpeg")
              : Charts.dataUri(Thumbnails.scaled(photo, THUMBNAIL), "jpeg");
      cards
          .append("<div class=\"card\"><div class=\"name\">")
          .append(Html.text(image.id()))
          .append("</div><div>IoU ")
          .append(Html.number(image.iou()))
          .append("</div><div class=\"row\">");
      img(cards, picture, image.id() + ": image");
      img(cards, truth, image.id() + ": ground truth");
      img(cards, predicted, image.id() + ": prediction");
      cards.append("</div></div>");
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("id", image.id());
      entry.put("IoU", image.iou());
      entries.add(entry);
    }
    html.raw(cards.append("</div>").toString());
    data.put("gallery", entries);
  }

  private static void img(StringBuilder sb, String src, String alt) {
    sb.append("<figure><img src=\"")
        .append(src)
        .append("\" alt=\"")
        .append(Html.text(alt))
        .append("\"><figcaption>")
        .append(Html.text(alt.substring(alt.lastIndexOf(':') + 2)))
        .append("</figcaption></figure>");
  }

  /** A palette PNG as a thumbnail's data: URI (a grey canvas when it cannot be read). */
  private static String mask(byte[] png, String name) {
    BufferedImage picture;
    try {
      LabelMask mask = png == null ? null : PaletteMasks.decode(png, name);
      picture =
          mask == null
              ? Thumbnails.withBoxes(null, THUMBNAIL, THUMBNAIL * 3 / 4, List.of(), THUMBNAIL)
              : Thumbnails.mask(mask, THUMBNAIL);
    } catch (RuntimeException e) {
      picture = Thumbnails.withBoxes(null, THUMBNAIL, THUMBNAIL * 3 / 4, List.of(), THUMBNAIL);
    }
    return Charts.dataUri(picture, "png");
  }

  private static byte[] read(String uri, Configuration conf) {
    try {
      return HadoopVocFiles.read(new Path(uri), conf);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
