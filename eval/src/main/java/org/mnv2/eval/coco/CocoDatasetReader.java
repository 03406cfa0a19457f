package org.mnv2.eval.coco;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a COCO instances file: {@code images}, {@code annotations} ({@code id}, {@code image_id},
 * {@code category_id}, {@code bbox}, {@code area}, {@code iscrowd}) and {@code categories}.
 * Segmentations (polygons or RLE), {@code info}, {@code licenses} and unknown fields are skipped.
 */
final class CocoDatasetReader {
  private CocoDatasetReader() {}

  static CocoDataset read(InputStream in, String source) {
    String action = "read COCO annotations " + source;
    List<CocoImage> images = null;
    List<CocoAnnotation> annotations = null;
    List<CocoCategory> categories = null;
    try (JsonParser parser = JsonArrays.MAPPER.getFactory().createParser(in)) {
      parser.disable(JsonParser.Feature.AUTO_CLOSE_SOURCE);
      JsonToken first = parser.nextToken();
      if (first != JsonToken.START_OBJECT) {
        throw new CocoFormatException(
            "Cannot "
                + action
                + ": not an instances file (expected a JSON object with images, annotations and"
                + " categories, got "
                + (first == null ? "an empty input" : first)
                + ")");
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        parser.nextToken();
        switch (field) {
          case "images" -> {
            images = new ArrayList<>();
            List<CocoImage> out = images;
            JsonArrays.forEach(parser, action, field, (node, i) -> out.add(image(action, node, i)));
          }
          case "annotations" -> {
            annotations = new ArrayList<>();
            List<CocoAnnotation> out = annotations;
            JsonArrays.forEach(
                parser, action, field, (node, i) -> out.add(annotation(action, node, i)));
          }
          case "categories" -> {
            categories = new ArrayList<>();
            List<CocoCategory> out = categories;
            JsonArrays.forEach(
                parser, action, field, (node, i) -> out.add(category(action, node, i)));
          }
          default -> parser.skipChildren();
        }
      }
    } catch (JsonProcessingException e) {
      throw new CocoFormatException("Cannot " + action + ": " + JsonFields.describe(e), e);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot " + action + ": " + e.getMessage(), e);
    }
    requirePresent(action, "images", images);
    requirePresent(action, "annotations", annotations);
    requirePresent(action, "categories", categories);
    return new CocoDataset(images, annotations, categories, action);
  }

  private static void requirePresent(String action, String field, List<?> list) {
    if (list == null) {
      throw new CocoFormatException(
          "Cannot "
              + action
              + ": no \""
              + field
              + "\" list (expected an instances file with images, annotations and categories)");
    }
  }

  private static CocoImage image(String action, JsonNode node, int i) {
    JsonFields f = new JsonFields(action, "images[" + i + "]", node);
    return new CocoImage(
        f.requiredLong("id"),
        f.optionalString("file_name"),
        f.optionalInt("width", 0),
        f.optionalInt("height", 0));
  }

  private static CocoAnnotation annotation(String action, JsonNode node, int i) {
    JsonFields f = new JsonFields(action, "annotations[" + i + "]", node);
    return new CocoAnnotation(
        f.requiredLong("id"),
        f.requiredLong("image_id"),
        f.requiredInt("category_id"),
        f.box("bbox"),
        f.requiredDouble("area"),
        f.optionalFlag("iscrowd"));
  }

  private static CocoCategory category(String action, JsonNode node, int i) {
    JsonFields f = new JsonFields(action, "categories[" + i + "]", node);
    String name = f.optionalString("name");
    if (name == null) {
      throw f.fail("categories[" + i + "] has no \"name\" (expected a string, got nothing)");
    }
    return new CocoCategory(f.requiredInt("id"), name);
  }
}
