package dev.dspy4j.streaming.internal;

import dev.dspy4j.core.lm.LmConfigurationException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Merging and validating request headers: names are case-insensitive; the innermost layer wins. */
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

  /**
   * Rejects a header name that is not an HTTP token, or a value with CR, LF or another control
   * character (which would split or corrupt the request). The value is never echoed: it may be secret.
   *
   * @throws LmConfigurationException on the first bad header
   */
  public static void validate(String name, String value) {
    if (name.isEmpty()) {
      throw new LmConfigurationException("a header name must not be empty");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c <= ' ' || c >= 127 || "\"(),/:;<=>?@[\\]{}".indexOf(c) >= 0) {
        throw new LmConfigurationException("header name '" + name.replaceAll("\\p{Cntrl}", "?")
            + "' contains the illegal character at position " + i + "; use letters, digits and -");
      }
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if ((c < ' ' && c != '\t') || c == 127 || c > 255) {
        throw new LmConfigurationException("the value of header '" + name + "' contains "
            + (c == '\r' || c == '\n' ? "a line break" : c > 255 ? "a non-Latin-1 character" : "a control character")
            + " at position " + i + "; header values must be printable (encode non-ASCII yourself)");
      }
    }
  }
}
