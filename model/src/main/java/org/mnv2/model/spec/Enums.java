package org.mnv2.model.spec;

import java.util.Arrays;
import java.util.Locale;
import org.mnv2.model.UsageException;

/** Case-insensitive enum parsing with messages that list the accepted values. */
final class Enums {
  private Enums() {}

  static <E extends Enum<E>> E parse(Class<E> type, String field, String value) {
    if (value == null) {
      throw new UsageException(
          "Cannot read model spec: missing '" + field + "' (expected one of " + names(type) + ")");
    }
    String normalised = value.trim().toUpperCase(Locale.ROOT).replace('-', '_');
    for (E constant : type.getEnumConstants()) {
      if (constant.name().equals(normalised)) {
        return constant;
      }
    }
    throw new UsageException(
        "Cannot read model spec: unknown "
            + field
            + " '"
            + value
            + "' (expected one of "
            + names(type)
            + ")");
  }

  static <E extends Enum<E>> String names(Class<E> type) {
    return Arrays.toString(
        Arrays.stream(type.getEnumConstants())
            .map(e -> e.name().toLowerCase(Locale.ROOT).replace('_', '-'))
            .toArray());
  }
}
