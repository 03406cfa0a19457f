package org.mnv2.jobs.evaluation.classification;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.desc;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.mnv2.jobs.report.Charts;
import org.mnv2.jobs.report.Html;
import org.mnv2.jobs.report.Html.Cell;
import org.mnv2.jobs.report.Thumbnails;
import org.mnv2.jobs.run.JobRun;
import org.mnv2.jobs.storage.HadoopVocFiles;

/**
 * classify --labels' {@code report.html}: top-1 / top-5, per-class accuracy (table and chart), the
 * most frequent confusions and the misclassified images the model was surest of. Per-class counts,
 * the confusions' top rows and the gallery's images are all that reach the driver.
 */
public final class ClassificationReport {

  static final int CONFUSIONS = 20;
  static final int GALLERY = 12;
  private static final int THUMBNAIL = 200;

  private ClassificationReport() {}

  /**
   * Writes report.html into the run's output.
   *
   * @param labelled the labelled predictions: {@code image_uri}, {@code predictions}, {@code truth}
   *     (the labels file's class index)
   * @param names class names by index (the spec's labels)
   * @param metrics what metrics.json holds
   */
  public static void write(
      JobRun run,
      Dataset<Row> labelled,
      List<String> names,
      Map<String, Object> metrics,
      String source) {
    long start = System.nanoTime();
    Dataset<Row> scored =
        labelled.select(
            col("image_uri"),
            col("truth"),
            element_at(col("predictions"), 1).getField("class_index").as("predicted"),
            element_at(col("predictions"), 1).getField("score").as("score"));
    Html html = new Html("classify report");
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("metrics", metrics);

    html.heading("Summary");
    Map<String, Double> stats = new LinkedHashMap<>();
    stats.put("top1", (Double) metrics.get("top1"));
    stats.put("top5", (Double) metrics.get("top5"));
    html.stats(stats);
    html.paragraph(
        "Top-1 and top-5 accuracy over the "
            + metrics.get("labelled_images")
            + " labelled images (matched by file name; an image that could not be classified"
            + " counts as wrong).");

    List<Row> perClass =
        scored
            .groupBy("truth")
            .agg(
                count("*").as("images"),
                sum(when(col("predicted").equalTo(col("truth")), 1).otherwise(0)).as("correct"))
            .orderBy("truth")
            .collectAsList();
    List<List<Cell>> rows = new ArrayList<>();
    List<String> chartNames = new ArrayList<>();
    List<Double> chartValues = new ArrayList<>();
    List<Map<String, Object>> classes = new ArrayList<>();
    for (Row r : perClass) {
      int truth = r.isNullAt(0) ? -1 : r.getInt(0);
      long images = r.getLong(1);
      long correct = r.isNullAt(2) ? 0 : r.getLong(2);
      double accuracy = images == 0 ? 0 : correct / (double) images;
      String name = name(names, truth);
      rows.add(
          List.of(
              Cell.name(name),
              Cell.count(truth),
              Cell.number(accuracy),
              Cell.count(correct),
              Cell.count(images)));
      chartNames.add(name);
      chartValues.add(accuracy);
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("class_index", truth);
      entry.put("name", name);
      entry.put("accuracy", accuracy);
      entry.put("images", images);
      classes.add(entry);
    }
    data.put("per_class", classes);
    html.heading("Per class");
    html.paragraph(
        "Top-1 accuracy of the images labelled with each class. Click a column to sort.");
    html.table("per-class", List.of("class", "index", "top-1", "correct", "images"), rows);
    if (!chartNames.isEmpty() && chartNames.size() <= 60) {
      html.figure(
          Charts.bars(
              "Top-1 accuracy by class",
              "top-1",
              chartNames,
              chartValues,
              Math.max(480, Math.min(1200, 120 + 24 * chartNames.size())),
              360),
          "per-class accuracy",
          "Per-class top-1 accuracy.",
          Math.max(480, Math.min(1200, 120 + 24 * chartNames.size())));
    }

    List<Row> confusions =
        scored
            .where(col("predicted").notEqual(col("truth")))
            .groupBy("truth", "predicted")
            .count()
            .orderBy(desc("count"), col("truth"), col("predicted"))
            .limit(CONFUSIONS)
            .collectAsList();
    List<List<Cell>> confusionRows = new ArrayList<>();
    List<Map<String, Object>> confusionData = new ArrayList<>();
    for (Row r : confusions) {
      confusionRows.add(
          List.of(
              Cell.name(name(names, r.getInt(0))),
              Cell.name(name(names, r.getInt(1))),
              Cell.count(r.getLong(2))));
      confusionData.add(
          Map.of("truth", r.getInt(0), "predicted", r.getInt(1), "images", r.getLong(2)));
    }
    data.put("confusions", confusionData);
    html.heading("Most frequent confusions");
    if (confusionRows.isEmpty()) {
      html.paragraph("No labelled image was misclassified.");
    } else {
      html.table("confusions", List.of("ground truth", "predicted as", "images"), confusionRows);
    }

    gallery(run, html, scored, names, data);
    String meta =
        String.format(
            Locale.ROOT,
            "%s · %s labelled images · run %s",
            source,
            metrics.get("labelled_images"),
            run.runId());
    html.write(run, meta, data, start);
  }

  private static void gallery(
      JobRun run, Html html, Dataset<Row> scored, List<String> names, Map<String, Object> data) {
    List<Row> wrong =
        scored
            .where(col("predicted").isNull().or(col("predicted").notEqual(col("truth"))))
            .orderBy(desc("score"), col("image_uri"))
            .limit(GALLERY)
            .collectAsList();
    html.heading("Misclassified images");
    html.paragraph(
        "The misclassified images the model was surest of (highest top-1 score first); an image"
            + " without a prediction could not be classified.");
    Configuration conf = run.spark().sparkContext().hadoopConfiguration();
    StringBuilder cards = new StringBuilder("<div class=\"gallery\">");
    List<Map<String, Object>> entries = new ArrayList<>();
    for (Row r : wrong) {
      String uri = r.getString(0);
      String file = uri.substring(uri.lastIndexOf('/') + 1);
      BufferedImage image = read(uri, conf);
      String thumb =
          Charts.dataUri(
              image == null
                  ? Thumbnails.withBoxes(null, THUMBNAIL, THUMBNAIL, List.of(), THUMBNAIL)
                  : Thumbnails.scaled(image, THUMBNAIL),
              "jpeg");
      String predicted =
          r.isNullAt(2)
              ? "no prediction"
              : String.format(Locale.ROOT, "%s (%.2f)", name(names, r.getInt(2)), r.getFloat(3));
      cards
          .append("<div class=\"card\"><div class=\"name\">")
          .append(Html.text(file))
          .append("</div><img src=\"")
          .append(thumb)
          .append("\" alt=\"")
          .append(Html.text(file))
          .append("\"><div>truth: ")
          .append(Html.text(name(names, r.getInt(1))))
          .append("</div><div>predicted: ")
          .append(Html.text(predicted))
          .append("</div></div>");
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("image_uri", uri);
      entry.put("truth", r.getInt(1));
      entry.put("predicted", r.isNullAt(2) ? null : r.getInt(2));
      entries.add(entry);
    }
    html.raw(cards.append("</div>").toString());
    data.put("gallery", entries);
  }

  private static String name(List<String> names, int index) {
    return index >= 0 && index < names.size() ? names.get(index) : "class " + index;
  }

  private static BufferedImage read(String uri, Configuration conf) {
    try {
      return Thumbnails.decode(HadoopVocFiles.read(new Path(uri), conf));
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
