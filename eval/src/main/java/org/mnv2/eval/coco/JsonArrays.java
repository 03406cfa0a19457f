package org.mnv2.eval.coco;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.function.ObjIntConsumer;

/**
 * Streams a JSON array one element at a time: a large instances file is never held as one tree,
 * only one annotation (with its polygons or RLE, which are skipped by the caller) at a time.
 */
final class JsonArrays {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private JsonArrays() {}

  /**
   * Reads the array the parser is positioned on (its START_ARRAY is the current token), handing
   * each element and its index to {@code element}.
   */
  static int forEach(
      JsonParser parser, String action, String name, ObjIntConsumer<JsonNode> element)
      throws IOException {
    if (parser.currentToken() != JsonToken.START_ARRAY) {
      throw new CocoFormatException(
          "Cannot "
              + action
              + ": \""
              + name
              + "\" is not an array (expected [...], got "
              + parser.currentToken()
              + ")");
    }
    int index = 0;
    while (parser.nextToken() != JsonToken.END_ARRAY) {
      if (parser.currentToken() == null) {
        throw new CocoFormatException(
            "Cannot "
                + action
                + ": malformed JSON (expected the end of \""
                + name
                + "\", got the end of the input)");
      }
      JsonNode node = MAPPER.readTree(parser);
      element.accept(node, index++);
    }
    return index;
  }
}
