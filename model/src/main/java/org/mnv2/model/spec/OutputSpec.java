package org.mnv2.model.spec;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mnv2.model.UsageException;

/**
 * The output contract of a model: a {@code type} (e.g. {@code logits}, {@code ssd-raw}, {@code
 * yolox}) and the type's own fields, kept as plain YAML values (strings, numbers, booleans, lists,
 * maps) that each postprocessor reads into its typed settings. See docs/MODEL-SPEC.md.
 */
public record OutputSpec(String type, Map<String, Object> fields) implements Serializable {
  /**
   * The field under which the spec loader puts the contents of {@code anchors_file} (one list of
   * numbers per line of the file, in file order); {@code anchors_file} itself then holds the
   * resolved location.
   */
  public static final String ANCHORS_FILE_ROWS = "anchors_file_rows";

  public OutputSpec {
    if (type == null || type.isBlank()) {
      throw new UsageException("Cannot read model spec: missing output.type");
    }
    fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
  }

  /** A required string field. */
  public String string(String key) {
    Object value = fields.get(key);
    if (value == null) {
      throw missing(key, "a string");
    }
    return value.toString();
  }

  /** An optional string field. */
  public String string(String key, String fallback) {
    Object value = fields.get(key);
    return value == null ? fallback : value.toString();
  }

  /** An optional number field. */
  public double number(String key, double fallback) {
    Object value = fields.get(key);
    if (value == null) {
      return fallback;
    }
    if (value instanceof Number n) {
      return n.doubleValue();
    }
    throw new UsageException(
        "Cannot read model spec: output." + key + " must be a number (got '" + value + "')");
  }

  /** A required number field. */
  public double number(String key) {
    if (!fields.containsKey(key)) {
      throw missing(key, "a number");
    }
    return number(key, 0);
  }

  /** An optional boolean field. */
  public boolean flag(String key, boolean fallback) {
    Object value = fields.get(key);
    return value == null ? fallback : Boolean.parseBoolean(value.toString());
  }

  /** A list of numbers, or an empty list when absent. */
  public List<Double> numbers(String key) {
    Object value = fields.get(key);
    if (value == null) {
      return List.of();
    }
    List<Double> out = new ArrayList<>();
    for (Object item : asList(key, value)) {
      if (!(item instanceof Number n)) {
        throw new UsageException(
            "Cannot read model spec: output." + key + " must hold numbers (got '" + item + "')");
      }
      out.add(n.doubleValue());
    }
    return out;
  }

  /** A list of lists of numbers (e.g. per-feature-map aspect ratios), or empty when absent. */
  public List<List<Double>> numberLists(String key) {
    Object value = fields.get(key);
    if (value == null) {
      return List.of();
    }
    List<List<Double>> out = new ArrayList<>();
    for (Object row : asList(key, value)) {
      List<Double> numbers = new ArrayList<>();
      for (Object item : asList(key, row)) {
        if (!(item instanceof Number n)) {
          throw new UsageException(
              "Cannot read model spec: output." + key + " must hold numbers (got '" + item + "')");
        }
        numbers.add(n.doubleValue());
      }
      out.add(numbers);
    }
    return out;
  }

  private static List<?> asList(String key, Object value) {
    if (value instanceof List<?> list) {
      return list;
    }
    throw new UsageException(
        "Cannot read model spec: output." + key + " must be a list (got '" + value + "')");
  }

  private UsageException missing(String key, String what) {
    return new UsageException(
        "Cannot read model spec: output type '"
            + type
            + "' needs output."
            + key
            + " ("
            + what
            + ")");
  }
}
