package dev.dspy4j.core.adapter.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.core.adapter.ChatAdapter;
import dev.dspy4j.core.predict.StreamEvent.FieldChunk;
import dev.dspy4j.core.signature.Signature;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

class ChatFieldSplitterTest {

  private static final Signature COT = Signature.parse("question -> reasoning, answer");
  private static final Set<String> OUTPUTS = Set.of("reasoning", "answer");

  /**
   * LM outputs exercising the parse rules: leading text, whitespace, duplicates, unknown headers,
   * CRLF.
   */
  static final List<String> OUTPUTS_TO_SPLIT =
      List.of(
          "[[ ## reasoning ## ]]\nTwo plus two is four.\n\n[[ ## answer ## ]]\n4\n\n[[ ## completed ## ]]\n",
          "Sure.\n[[ ## reasoning ## ]]   first line  \n  second [[ ## x ## ]] line\n\n\n[[ ## answer ## ]]\n\n 4 \n",
          "[[ ## answer ## ]]\nA\n[[ ## notes ## ]]\nignored\n[[ ## reasoning ## ]]\nR [ [[ # ]]\n[[ ## answer ## ]]\nB",
          "  [[ ## reasoning ## ]] odd indent\r\nline two\r\n[[ ## answer ## ]]\r\nok\r\n[[ ## completed ## ]]",
          "[[ ## reasoning ## ]]\n[[ ## answer\nnot a header\n[[ ## answer ## ]]\n«list»\n- a\n- b\n[[ ## completed",
          "[[ ## reasoning ## ]]\nline [[ ## answer ## ]] inline is content\n[[ ## answer ## ]]\ntab\tand  spaces  ");

  @Test
  void markersSplitAtEveryTokenBoundaryGiveTheParsedValues() {
    for (String text : OUTPUTS_TO_SPLIT) {
      var expected = parsedStrings(text);
      for (int cut = 0; cut <= text.length(); cut++) {
        for (int cut2 = cut; cut2 <= text.length(); cut2 += 7) {
          var tokens =
              List.of(text.substring(0, cut), text.substring(cut, cut2), text.substring(cut2));
          assertStreamMatches(text, tokens, expected);
        }
      }
      assertStreamMatches(text, characters(text), expected);
    }
  }

  @Test
  void dspyStyleTokensOfAMarkerAreHeldBackThenDropped() {
    var splitter = new ChatFieldSplitter(OUTPUTS, OUTPUTS);
    var events = new ArrayList<FieldChunk>();
    for (String token :
        List.of(
            "[[",
            " ##",
            " reasoning",
            " ##",
            " ]]\n\n",
            "Think",
            "ing",
            " hard",
            ".\n\n",
            "[[",
            " ##",
            " answer",
            " ##",
            " ]]\n",
            "42",
            "\n\n[[ ## completed ## ]]")) {
      var out = Pieces.accept(splitter, token);
      if (token.startsWith("[[")
          || token.startsWith(" ##")
          || token.equals(" reasoning")
          || token.equals(" answer")) {
        assertThat(out)
            .as("nothing is emitted while '%s' could still be a marker", token)
            .allMatch(c -> c.last() || !c.text().contains("["));
      }
      events.addAll(out);
    }
    events.addAll(Pieces.finish(splitter));
    assertThat(events)
        .containsExactly(
            new FieldChunk("reasoning", "Think", false),
            new FieldChunk("reasoning", "ing", false),
            new FieldChunk("reasoning", " hard", false),
            new FieldChunk("reasoning", ".", false),
            new FieldChunk("reasoning", "", true),
            new FieldChunk("answer", "42", false),
            new FieldChunk("answer", "", true));
  }

  @Test
  void onlyTheChosenFieldsStream() {
    var splitter = new ChatFieldSplitter(OUTPUTS, Set.of("answer"));
    var events =
        new ArrayList<>(
            Pieces.accept(splitter, "[[ ## reasoning ## ]]\nR\n[[ ## answer ## ]]\nA\n"));
    events.addAll(Pieces.finish(splitter));
    assertThat(events)
        .containsExactly(new FieldChunk("answer", "A", false), new FieldChunk("answer", "", true));
  }

  /**
   * 300 seeded random cut lists (0..40 cuts in 0..400), reproducible from the repetition number.
   */
  @RepeatedTest(300)
  void randomSplitsGiveTheParsedValuesWithoutMarkers(RepetitionInfo repetition) {
    var random = new java.util.Random(repetition.getCurrentRepetition());
    var cuts = new ArrayList<Integer>();
    for (int i = random.nextInt(41); i > 0; i--) cuts.add(random.nextInt(401));
    for (String text : OUTPUTS_TO_SPLIT) {
      var points = new TreeSet<Integer>();
      cuts.forEach(c -> points.add(Math.min(c, text.length())));
      var tokens = new ArrayList<String>();
      int from = 0;
      for (int p : points) {
        tokens.add(text.substring(from, p));
        from = p;
      }
      tokens.add(text.substring(from));
      assertStreamMatches(text, tokens, parsedStrings(text));
    }
  }

  private static void assertStreamMatches(
      String text, List<String> tokens, Map<String, String> expected) {
    var splitter = new ChatFieldSplitter(OUTPUTS, OUTPUTS);
    var chunks = new ArrayList<FieldChunk>();
    for (String t : tokens) chunks.addAll(Pieces.accept(splitter, t));
    chunks.addAll(Pieces.finish(splitter));
    var joined = new LinkedHashMap<String, StringBuilder>();
    var lastCount = new LinkedHashMap<String, Integer>();
    for (var c : chunks) {
      assertThat(lastCount.getOrDefault(c.field(), 0))
          .as("no chunk after the last one of %s", c.field())
          .isZero();
      joined.computeIfAbsent(c.field(), k -> new StringBuilder()).append(c.text());
      if (c.last()) lastCount.merge(c.field(), 1, Integer::sum);
      assertThat(c.text().isEmpty() && !c.last()).as("empty chunks only as last").isFalse();
    }
    var actual = new LinkedHashMap<String, String>();
    joined.forEach((k, v) -> actual.put(k, v.toString()));
    assertThat(actual).as("fields of %s split as %s", text, tokens).isEqualTo(expected);
    actual
        .values()
        .forEach(
            v ->
                assertThat(v)
                    .as("no header line reaches the consumer")
                    .doesNotContainPattern("(^|\\n)\\s*\\[\\[ ## \\w+ ## \\]\\]"));
    assertThat(lastCount.keySet()).isEqualTo(expected.keySet());
  }

  /** What ChatAdapter.parse extracts, for the fields the text has. */
  private static Map<String, String> parsedStrings(String text) {
    var out = new LinkedHashMap<String, String>();
    for (String field : List.of("reasoning", "answer")) {
      var single = Signature.parse("question -> " + field);
      try {
        out.put(field, (String) new ChatAdapter().parse(single, text).get(field));
      } catch (RuntimeException absent) {
        // the field is not in this text
      }
    }
    // order of appearance, as the stream emits them
    var ordered = new LinkedHashMap<String, String>();
    out.entrySet().stream()
        .sorted(java.util.Comparator.comparingInt(e -> firstHeader(text, e.getKey())))
        .forEach(e -> ordered.put(e.getKey(), e.getValue()));
    return ordered;
  }

  private static int firstHeader(String text, String field) {
    int at = text.indexOf("[[ ## " + field + " ## ]]");
    return at < 0 ? Integer.MAX_VALUE : at;
  }

  private static List<String> characters(String text) {
    var out = new ArrayList<String>();
    for (char c : text.toCharArray()) out.add(String.valueOf(c));
    return out;
  }
}
