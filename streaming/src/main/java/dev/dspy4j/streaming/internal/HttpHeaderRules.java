package dev.dspy4j.streaming.internal;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Merging request headers: names are case-insensitive; the innermost layer wins. (Validation is
 * {@code dev.dspy4j.core.http.HeaderValues}, applied by {@code Helicone.requestHeaders}.)
 */
public final class HttpHeaderRules {

  private HttpHeaderRules() {}

  /**
   * Merges layers from outermost to innermost; a later layer replaces a header of the same name
   * (ignoring case), keeping the later spelling. Insertion order is kept otherwise.
   */
  @SafeVarargs
  public static Map<String, String> merge(Map<String, String>... layers) {
    var byLowerName = new LinkedHashMap<String, Map.Entry<String, String>>();
    for (Map<String, String> layer : layers) {
      layer.forEach((name, value) -> byLowerName.put(name.toLowerCase(Locale.ROOT), Map.entry(name, value)));
    }
    var merged = new LinkedHashMap<String, String>();
    byLowerName.values().forEach(e -> merged.put(e.getKey(), e.getValue()));
    return merged;
  }
}
