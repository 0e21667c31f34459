package dev.dspy4j.core.helicone;

import java.util.Objects;

/**
 * Session-path normalisation. Helicone builds its session tree from {@code Helicone-Session-Path};
 * mixing paths with and without the leading {@code /} (or with {@code //}) hides parts of the tree,
 * so every path dspy4j sends starts with {@code /} and has no empty segment.
 */
final class SessionPaths {

  private SessionPaths() {}

  /** {@code "support//chat/"} to {@code "/support/chat"}; {@code "/"} stays the root. */
  static String normalise(String path) {
    Objects.requireNonNull(path, "session path must not be null");
    if (path.isBlank()) {
      throw new IllegalArgumentException(
          "a session path must not be blank; use \"/\" for the root or \"/parent/child\"");
    }
    var out = new StringBuilder(path.length() + 1);
    for (String segment : path.split("/")) {
      if (!segment.isEmpty()) out.append('/').append(segment);
    }
    return out.length() == 0 ? "/" : out.toString();
  }

  /** The normalised form of one or more child segments ({@code "answer"} or {@code "a/b"}). */
  static String child(String segment) {
    Objects.requireNonNull(segment, "path segment must not be null");
    String normalised = segment.isBlank() ? "/" : normalise(segment);
    if (normalised.equals("/")) {
      throw new IllegalArgumentException(
          "a child path segment must contain a name, e.g. \"answer\"; was \"" + segment + "\"");
    }
    return normalised;
  }

  /** Appends a normalised child path to a normalised base path. */
  static String join(String base, String child) {
    return base.equals("/") ? child : base + child;
  }
}
