package dev.dspy4j.core.predict.internal;

import dev.dspy4j.core.adapter.internal.PyText;
import java.text.Normalizer;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * DSPy's {@code normalize_text} ({@code dspy/evaluate/metrics.py}): Unicode NFD, Python's
 * {@code lower()}, removal of ASCII punctuation ({@code string.punctuation}), the articles
 * {@code a}, {@code an}, {@code the} replaced by a space where Python's {@code \b} would find them,
 * whitespace runs collapsed to one space. Used by {@code majority}.
 */
public final class NormalizeText {

  private static final String PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

  /**
   * {@code \b(a|an|the)\b} with Python's {@code \w} for str patterns: characters for which
   * {@code str.isalnum()} holds (letters and every kind of number) and the underscore. Java's
   * Unicode {@code \w} would also count combining marks, which NFD produces.
   */
  private static final Pattern ARTICLES =
      Pattern.compile("(?<![\\p{L}\\p{N}_])(?:a|an|the)(?![\\p{L}\\p{N}_])");

  private NormalizeText() {}

  /** The normalised text. */
  public static String normalize(String s) {
    String text = Normalizer.normalize(s, Normalizer.Form.NFD).toLowerCase(Locale.ROOT);
    var kept = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (PUNCTUATION.indexOf(c) < 0) kept.append(c);
    }
    text = ARTICLES.matcher(kept).replaceAll(" ");
    var out = new StringBuilder(text.length());
    int i = 0;
    while (i < text.length()) {
      while (i < text.length() && PyText.isSpace(text.charAt(i))) i++;
      int start = i;
      while (i < text.length() && !PyText.isSpace(text.charAt(i))) i++;
      if (i > start) {
        if (out.length() > 0) out.append(' ');
        out.append(text, start, i);
      }
    }
    return out.toString();
  }
}
