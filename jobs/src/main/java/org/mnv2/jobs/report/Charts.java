package org.mnv2.jobs.report;

import java.awt.Color;
import java.awt.Font;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The report's charts, drawn by XChart (Apache-2.0) into PNGs and inlined as data: URIs: no script,
 * no network, and the same picture in every browser.
 */
public final class Charts {
  private Charts() {}

  /**
   * Draws a few throw-away charts on a daemon thread, so that Java2D's fonts and the JIT are warm
   * when a report draws its own: a run calls it before a phase that leaves the driver idle.
   */
  public static void warmUpInBackground() {
    Thread t =
        new Thread(
            () -> {
              double[] x = {0, 0.5, 1};
              for (int i = 0; i < 30; i++) {
                small("warm-up", x, List.of(new Line("a", x, x)));
                lines("warm-up", "x", "y", List.of(new Line("a", x, x)), 560, 380);
              }
            },
            "mnv2-chart-warm-up");
    t.setDaemon(true);
    t.setPriority(Thread.MIN_PRIORITY);
    t.start();
  }

  /**
   * A small multiple: a line chart over 0..1 without title, axis titles or legend (the page's
   * caption names it), cheaper to draw when there are dozens.
   */
  public static String small(String name, double[] x, List<Line> lines) {
    XYChart chart = new XYChartBuilder().width(220).height(160).build();
    style(chart.getStyler(), 220);
    chart.getStyler().setChartTitleVisible(false).setLegendVisible(false);
    chart.getStyler().setXAxisMin(0.0).setXAxisMax(1.0).setYAxisMin(0.0).setYAxisMax(1.0);
    chart.getStyler().setXAxisDecimalPattern("0.0").setYAxisDecimalPattern("0.0");
    chart.getStyler().setXAxisTickMarkSpacingHint(40);
    for (Line line : lines) {
      chart.addSeries(line.name(), line.x(), line.y()).setMarker(SeriesMarkers.NONE);
    }
    return png(chart);
  }

  /** One line of an XY chart. */
  public record Line(String name, double[] x, double[] y) {}

  /** A line chart over 0..1 on both axes (precision-recall, or rates against a threshold). */
  public static String lines(
      String title, String xTitle, String yTitle, List<Line> lines, int width, int height) {
    XYChart chart =
        new XYChartBuilder()
            .width(width)
            .height(height)
            .title(title)
            .xAxisTitle(xTitle)
            .yAxisTitle(yTitle)
            .build();
    style(chart.getStyler(), width);
    chart.getStyler().setXAxisMin(0.0).setXAxisMax(1.0).setYAxisMin(0.0).setYAxisMax(1.0);
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSW);
    chart.getStyler().setLegendVisible(lines.size() > 1 && width >= 300);
    chart.getStyler().setXAxisDecimalPattern("0.0").setYAxisDecimalPattern("0.0");
    chart.getStyler().setXAxisTickMarkSpacingHint(width < 300 ? 40 : 70);
    for (Line line : lines) {
      chart.addSeries(line.name(), line.x(), line.y()).setMarker(SeriesMarkers.NONE);
    }
    return png(chart);
  }

  /** A bar chart of one value per named category (e.g. per-class accuracy), 0..1. */
  public static String bars(
      String title, String yTitle, List<String> names, List<Double> values, int width, int height) {
    CategoryChart chart =
        new CategoryChartBuilder()
            .width(width)
            .height(height)
            .title(title)
            .yAxisTitle(yTitle)
            .build();
    style(chart.getStyler(), width);
    chart.getStyler().setLegendVisible(false);
    chart.getStyler().setYAxisMin(0.0).setYAxisMax(1.0);
    chart.getStyler().setXAxisLabelRotation(names.size() > 8 ? 60 : 0);
    chart.getStyler().setAvailableSpaceFill(0.8);
    List<Double> shown = new ArrayList<>();
    values.forEach(v -> shown.add(v == null ? 0.0 : v));
    chart.addSeries(yTitle, names, shown);
    return png(chart);
  }

  /**
   * A heat map of {@code matrix[row][column]} (rows: ground truth, top to bottom; columns:
   * prediction), labelled with the cell values when {@code labelCells}.
   */
  public static String heatMap(
      String title,
      List<String> rows,
      List<String> columns,
      double[][] matrix,
      boolean labelCells,
      int width,
      int height) {
    HeatMapChart chart =
        new HeatMapChartBuilder()
            .width(width)
            .height(height)
            .title(title)
            .xAxisTitle("predicted")
            .yAxisTitle("ground truth")
            .build();
    style(chart.getStyler(), width);
    chart.getStyler().setLegendVisible(true).setLegendPosition(Styler.LegendPosition.OutsideE);
    chart.getStyler().setPlotContentSize(1.0);
    chart.getStyler().setShowValue(labelCells);
    chart.getStyler().setValueFont(new Font(Font.SANS_SERIF, Font.PLAIN, 9));
    chart.getStyler().setXAxisLabelRotation(90);
    chart
        .getStyler()
        .setRangeColors(
            new Color[] {
              new Color(0xF7FBFF), new Color(0x6BAED6), new Color(0x2171B5), new Color(0x08306B)
            });
    // XChart's y axis runs bottom-up: reverse the rows so the first ground-truth class is on top.
    List<String> yLabels = new ArrayList<>(rows);
    java.util.Collections.reverse(yLabels);
    List<Number[]> cells = new ArrayList<>();
    for (int r = 0; r < rows.size(); r++) {
      for (int c = 0; c < columns.size(); c++) {
        double v = matrix[r][c];
        cells.add(new Number[] {c, rows.size() - 1 - r, v});
      }
    }
    chart.addSeries("cells", columns, yLabels, cells);
    return png(chart);
  }

  private static void style(AxesChartStyler styler, int width) {
    styler.setChartBackgroundColor(Color.WHITE);
    styler.setPlotBackgroundColor(Color.WHITE);
    styler.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, width < 300 ? 11 : 14));
    styler.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, width < 300 ? 10 : 12));
    styler.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, width < 300 ? 9 : 11));
    styler.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, width < 300 ? 9 : 11));
    styler.setChartPadding(width < 300 ? 4 : 10);
  }

  private static String png(Chart<?, ?> chart) {
    try {
      return dataUri(BitmapEncoder.getBufferedImage(chart), "png");
    } catch (RuntimeException e) {
      throw new IllegalStateException("Cannot draw chart " + chart.getTitle() + ": " + e, e);
    }
  }

  /** An image as a data: URI ({@code png} or {@code jpeg}). */
  public static String dataUri(BufferedImage image, String format) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(image, format, out)) {
        throw new IllegalStateException("Cannot encode image: no ImageIO writer for " + format);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot encode image as " + format, e);
    }
    return "data:image/"
        + format
        + ";base64,"
        + Base64.getEncoder().encodeToString(out.toByteArray());
  }
}
