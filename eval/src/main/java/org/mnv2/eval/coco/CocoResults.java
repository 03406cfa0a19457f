package org.mnv2.eval.coco;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * COCO results files for bbox detection: a JSON array of {@code {"image_id", "category_id", "bbox":
 * [x, y, w, h], "score"}}, the format of {@code detections.json} and of pycocotools' {@code
 * loadRes}. Other fields of an entry (a segmentation, an id) are ignored.
 *
 * <p>Reading rejects, with a {@link CocoFormatException}: malformed JSON, a top level that is not
 * an array, an empty array (pycocotools fails on it too), a missing or non-numeric field, and a box
 * with negative width or height. pycocotools accepts negative sizes and then treats such a box as
 * matching nothing, and, when exactly one side is negative, as having a negative area that falls in
 * no area range so that it is silently ignored rather than counted as a false positive; a negative
 * size is nearly always {@code [x1, y1, x2, y2]} written as a COCO box, so it is refused here.
 * Zero-size boxes are kept, as in pycocotools: they overlap nothing and count as false positives.
 */
public final class CocoResults {
  private CocoResults() {}

  /** Reads a results file; detections keep the file's order. */
  public static List<CocoDetection> read(Path path) {
    try (InputStream in = Files.newInputStream(path)) {
      return read(in, path.toString());
    } catch (NoSuchFileException e) {
      throw new UncheckedIOException("Cannot read COCO results " + path + ": no such file", e);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read COCO results " + path + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reads a results document from a stream (not closed here).
   *
   * @param source the name used in error messages, typically the file's URI
   */
  public static List<CocoDetection> read(InputStream in, String source) {
    String action = "read COCO results " + source;
    List<CocoDetection> detections = new ArrayList<>();
    try (JsonParser parser = JsonArrays.MAPPER.getFactory().createParser(in)) {
      parser.disable(JsonParser.Feature.AUTO_CLOSE_SOURCE);
      JsonToken first = parser.nextToken();
      if (first != JsonToken.START_ARRAY) {
        throw new CocoFormatException(
            "Cannot "
                + action
                + ": results is not an array of objects (expected [{\"image_id\": ...}, ...], got "
                + (first == null ? "an empty input" : first)
                + ")");
      }
      JsonArrays.forEach(
          parser,
          action,
          "results",
          (node, i) -> {
            JsonFields f = new JsonFields(action, "results[" + i + "]", node);
            double score = f.requiredDouble("score");
            if (!Double.isFinite(score)) {
              throw f.fail(
                  "results["
                      + i
                      + "] has a score that is not finite (expected a number, got "
                      + score
                      + ")");
            }
            detections.add(
                new CocoDetection(
                    f.requiredLong("image_id"),
                    f.requiredInt("category_id"),
                    f.box("bbox"),
                    score));
          });
    } catch (JsonProcessingException e) {
      throw new CocoFormatException("Cannot " + action + ": " + JsonFields.describe(e), e);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot " + action + ": " + e.getMessage(), e);
    }
    if (detections.isEmpty()) {
      throw new CocoFormatException(
          "Cannot "
              + action
              + ": the results list is empty (expected at least one detection, got 0)");
    }
    return detections;
  }

  /** Writes {@code detections} as a results file, replacing an existing one. */
  public static void write(List<CocoDetection> detections, Path path) {
    try (OutputStream out = Files.newOutputStream(path)) {
      write(detections, out);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot write COCO results " + path + ": " + e.getMessage(), e);
    }
  }

  /**
   * Writes {@code detections} as a results JSON array to a stream (flushed, not closed). Doubles
   * are written in their shortest exact form, so reading the file back gives the same values.
   */
  public static void write(List<CocoDetection> detections, OutputStream out) {
    try (JsonGenerator json =
        JsonArrays.MAPPER.getFactory().createGenerator(out, JsonEncoding.UTF8)) {
      json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      json.writeStartArray();
      for (CocoDetection d : detections) {
        json.writeStartObject();
        json.writeNumberField("image_id", d.imageId());
        json.writeNumberField("category_id", d.categoryId());
        json.writeFieldName("bbox");
        double[] box = d.bbox().toArray();
        json.writeArray(box, 0, box.length);
        json.writeNumberField("score", d.score());
        json.writeEndObject();
      }
      json.writeEndArray();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write COCO results: " + e.getMessage(), e);
    }
  }
}
