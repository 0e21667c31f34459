package dev.dspy4j.core.evaluate.internal;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * DSPy's DPR tokenization ({@code dspy.dsp.utils.dpr}): NFD, then runs of letters, numbers and
 * marks, or single characters that are neither separators nor controls, each lower-cased; and
 * {@code has_answer}, a contiguous token match.
 */
public final class DprTokens {

  private static final Pattern TOKEN = Pattern.compile("([\\p{L}\\p{N}\\p{M}]+)|([^\\p{Z}\\p{C}])");

  private DprTokens() {}

  /** {@code DPR_normalize(text)}: the lower-cased tokens of {@code text}. */
  public static List<String> normalize(String text) {
    var matcher = TOKEN.matcher(Normalizer.normalize(text, Normalizer.Form.NFD));
    var tokens = new ArrayList<String>();
    while (matcher.find()) {
      tokens.add(matcher.group().toLowerCase(Locale.ROOT));
    }
    return tokens;
  }

  /**
   * {@code has_answer}: whether any answer's tokens occur contiguously in {@code text}'s tokens.
   */
  public static boolean hasAnswer(List<List<String>> tokenizedAnswers, String text) {
    List<String> words = normalize(text);
    for (List<String> answer : tokenizedAnswers) {
      for (int i = 0; i + answer.size() <= words.size(); i++) {
        if (words.subList(i, i + answer.size()).equals(answer)) {
          return true;
        }
      }
    }
    return false;
  }
}
