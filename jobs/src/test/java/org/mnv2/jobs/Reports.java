package org.mnv2.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reading a report.html back: its data block, its tables' values, its self-containment. */
final class Reports {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DATA_START = "<script type=\"application/json\" id=\"report-data\">";

  private Reports() {}

  static String read(Path output) {
    try {
      return Files.readString(output.resolve("report.html"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode json(Path file) {
    try {
      return JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The embedded data block, parsed. */
  static JsonNode data(String html) {
    int start = html.indexOf(DATA_START);
    assertThat(start).as("report data block").isNotNegative();
    int end = html.indexOf("</script>", start);
    try {
      return JSON.readTree(html.substring(start + DATA_START.length(), end));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The data-value attributes of table {@code id}'s cells, row by row. */
  static List<List<String>> tableValues(String html, String id) {
    int start = html.indexOf("<table class=\"sortable\" id=\"" + id + "\">");
    assertThat(start).as("table " + id).isNotNegative();
    String table = html.substring(start, html.indexOf("</table>", start));
    List<List<String>> rows = new ArrayList<>();
    Matcher row = Pattern.compile("<tr>(.*?)</tr>").matcher(table);
    while (row.find()) {
      if (row.group(1).startsWith("<th")) {
        continue;
      }
      List<String> cells = new ArrayList<>();
      Matcher cell = Pattern.compile("<td[^>]*?data-value=\"([^\"]*)\"").matcher(row.group(1));
      while (cell.find()) {
        cells.add(cell.group(1));
      }
      rows.add(cells);
    }
    return rows;
  }

  /** The headline figures' data-value by name. */
  static Map<String, String> stats(String html) {
    Map<String, String> out = new LinkedHashMap<>();
    Matcher m =
        Pattern.compile("<div class=\"stat\" data-stat=\"([^\"]*)\" data-value=\"([^\"]*)\"")
            .matcher(html);
    while (m.find()) {
      out.put(m.group(1), m.group(2));
    }
    return out;
  }

  /** Nothing the page would fetch: no http:, https: or protocol-relative reference. */
  static void assertSelfContained(String html) {
    assertThat(html).doesNotContain("http:").doesNotContain("https:");
    assertThat(html).doesNotContainPattern("(src|href)=\"//");
    assertThat(html).doesNotContainPattern("(src|href)=\"(?!data:)[^\"#]");
  }

  /** A value of metrics.json as the report writes it ("" for null). */
  static String value(JsonNode node) {
    return node == null || node.isNull() ? "" : Double.toString(node.asDouble());
  }
}
