package dev.dspy4j.core.program.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import org.jspecify.annotations.Nullable;

/**
 * A Jackson tree as the plain values Python's {@code orjson.loads} gives: LinkedHashMaps in file
 * order, ArrayLists, Strings, Integer/Long/BigInteger, Double, Boolean and null.
 */
public final class JsonTree {

  private JsonTree() {}

  /** The plain value of a node. */
  public static @Nullable Object plain(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) return null;
    if (node.isObject()) {
      var out = new LinkedHashMap<String, Object>();
      node.properties().forEach(e -> out.put(e.getKey(), plain(e.getValue())));
      return out;
    }
    if (node.isArray()) {
      var out = new ArrayList<Object>();
      node.forEach(n -> out.add(plain(n)));
      return out;
    }
    if (node.isTextual()) return node.textValue();
    if (node.isBoolean()) return node.booleanValue();
    if (node.isInt()) return node.intValue();
    if (node.isLong()) return node.longValue();
    if (node.isBigInteger()) return node.bigIntegerValue();
    if (node.isNumber()) return node.doubleValue();
    return node.asText();
  }
}
