package dev.dspy4j.core.helicone;

import dev.dspy4j.core.http.HeaderValues;
import java.util.Objects;

/** Argument checks shared by the Helicone value types. */
final class HeliconeStrings {

  private HeliconeStrings() {}

  /** A non-blank value that is safe to send as header {@code header}. */
  static String headerValue(String header, String value) {
    Objects.requireNonNull(value, () -> header + " must not be null");
    if (value.isBlank()) {
      throw new IllegalArgumentException(header + " must not be blank");
    }
    HeaderValues.validate(header, value);
    return value;
  }

  /**
   * A property or segment name: non-empty letters, digits, '_' and '-' (what the gateway matches).
   */
  static String propertyName(String name) {
    Objects.requireNonNull(name, "property name must not be null");
    if (name.isEmpty()
        || !name.chars()
            .allMatch(c -> Character.isLetterOrDigit(c) && c < 0x80 || c == '_' || c == '-')) {
      throw new IllegalArgumentException(
          "property name '"
              + preview(name)
              + "' is not legal: use "
              + "ASCII letters, digits, '_' and '-' only (it becomes the header name "
              + HeliconeHeaderNames.PROPERTY_PREFIX
              + "<name>)");
    }
    return name;
  }

  /** A short, single-line rendering of untrusted text for an error message. */
  static String preview(String s) {
    var out = new StringBuilder();
    s.codePoints()
        .limit(60)
        .forEach(
            cp -> {
              if (cp >= 0x20 && cp < 0x7F) out.appendCodePoint(cp);
              else out.append(String.format("\\u%04X", cp));
            });
    if (s.codePointCount(0, s.length()) > 60) out.append("...");
    return out.toString();
  }
}
