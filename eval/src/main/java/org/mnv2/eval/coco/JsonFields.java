package org.mnv2.eval.coco;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Typed reads of one JSON object's fields, each failure a {@link CocoFormatException} that names
 * the file, the entry (for example {@code annotations[12]}) and the field.
 */
final class JsonFields {
  private final String action;
  private final String entry;
  private final JsonNode node;

  /**
   * @param action what the caller was doing, for the message: "read COCO annotations x.json"
   * @param entry where the object is: "annotations[12]"
   */
  JsonFields(String action, String entry, JsonNode node) {
    this.action = action;
    this.entry = entry;
    if (!node.isObject()) {
      throw fail(entry + " is not an object (expected {...}, got " + describe(node) + ")");
    }
    this.node = node;
  }

  long requiredLong(String field) {
    JsonNode value = required(field);
    if (value.isIntegralNumber() && value.canConvertToLong()) {
      return value.longValue();
    }
    if (value.isFloatingPointNumber()
        && value.doubleValue() == Math.rint(value.doubleValue())
        && Math.abs(value.doubleValue()) < 0x1p53) {
      return (long) value.doubleValue(); // pycocotools takes 42.0 for 42: equal dict keys
    }
    throw wrongType(field, "an integer", value);
  }

  int requiredInt(String field) {
    long value = requiredLong(field);
    if (value != (int) value) {
      throw fail(
          entry
              + " has an out-of-range \""
              + field
              + "\" (expected a 32-bit integer, got "
              + value
              + ")");
    }
    return (int) value;
  }

  double requiredDouble(String field) {
    JsonNode value = required(field);
    if (!value.isNumber()) {
      throw wrongType(field, "a number", value);
    }
    return value.doubleValue();
  }

  String optionalString(String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw wrongType(field, "a string", value);
    }
    return value.textValue();
  }

  int optionalInt(String field, int fallback) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? fallback : requiredInt(field);
  }

  /** COCO's {@code iscrowd}: 0 or 1 (a JSON boolean is accepted too); absent means 0. */
  boolean optionalFlag(String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return false;
    }
    if (value.isBoolean()) {
      return value.booleanValue();
    }
    if (value.isNumber()) {
      return value.doubleValue() != 0; // Python truthiness, as in pycocotools' ignore flag
    }
    throw wrongType(field, "0 or 1", value);
  }

  /** A COCO {@code bbox}: four numbers {@code [x, y, w, h]}, sizes not negative. */
  XywhBox box(String field) {
    JsonNode value = required(field);
    if (!value.isArray() || value.size() != 4) {
      throw wrongType(field, "[x, y, w, h]", value);
    }
    double[] v = new double[4];
    for (int i = 0; i < 4; i++) {
      JsonNode element = value.get(i);
      if (!element.isNumber()) {
        throw wrongType(field, "[x, y, w, h] of numbers", value);
      }
      v[i] = element.doubleValue();
    }
    if (v[2] < 0 || v[3] < 0) {
      throw fail(
          entry
              + " has a box with negative size (expected width >= 0 and height >= 0 in [x, y, w,"
              + " h]; corners [x1, y1, x2, y2] are not COCO boxes, got "
              + XywhBox.format(v[0], v[1], v[2], v[3])
              + ")");
    }
    return new XywhBox(v[0], v[1], v[2], v[3]);
  }

  CocoFormatException fail(String reason) {
    return new CocoFormatException("Cannot " + action + ": " + reason);
  }

  private JsonNode required(String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      List<String> present = new ArrayList<>();
      node.fieldNames().forEachRemaining(present::add);
      throw fail(
          entry
              + " has no \""
              + field
              + "\" (expected a field \""
              + field
              + "\", got fields "
              + present
              + ")");
    }
    return value;
  }

  private CocoFormatException wrongType(String field, String expected, JsonNode value) {
    return fail(
        entry
            + " has a malformed \""
            + field
            + "\" (expected "
            + expected
            + ", got "
            + describe(value)
            + ")");
  }

  static String describe(JsonNode node) {
    String text = node.toString();
    return text.length() > 80 ? text.substring(0, 77) + "..." : text;
  }

  /** "malformed JSON at line 3, column 17 (Unexpected character ...)" for a parser failure. */
  static String describe(JsonProcessingException e) {
    JsonLocation at = e.getLocation();
    String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
    return "malformed JSON" + where + " (" + e.getOriginalMessage() + ")";
  }
}
