package dev.dspy4j.core.adapter.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.core.adapter.JsonAdapter;
import dev.dspy4j.core.predict.StreamEvent.FieldChunk;
import dev.dspy4j.core.signature.Signature;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class JsonFieldSplitterTest {

  private static final Signature SIG =
      Signature.parse("question -> reasoning, answer, score: float");
  private static final Set<String> OUTPUTS = Set.of("reasoning", "answer", "score");

  static final List<String> TEXTS =
      List.of(
          "{\"reasoning\": \"a \\\"quoted\\\" \\\\ word\\nnext\", \"score\": 0.5, \"answer\": \"caf\\u00e9\"}",
          "Sure:\n```json\n{\n  \"extra\": {\"nested\": [\"}\", 1]} ,\n  \"score\": 2,\n  \"reasoning\": \"\",\n  \"answer\": \"x\\ty\"\n}\n```",
          "{\"extra\": \"skip \\\" me\", \"answer\": \"\\ud83d\\ude00 ok\", \"reasoning\": \"r\", \"score\": \"1\"}");

  @Test
  void jsonSplitAtEveryBoundaryStreamsTheParsedStringValues() {
    for (String text : TEXTS) {
      Map<String, Object> parsed = new JsonAdapter().parse(SIG, text);
      var expected = new LinkedHashMap<String, String>();
      expected.put("reasoning", (String) parsed.get("reasoning"));
      expected.put("answer", (String) parsed.get("answer"));
      for (int cut = 0; cut <= text.length(); cut++) {
        for (int cut2 = cut; cut2 <= text.length(); cut2 += 5) {
          var chunks =
              run(List.of(text.substring(0, cut), text.substring(cut, cut2), text.substring(cut2)));
          var joined = new LinkedHashMap<String, String>();
          chunks.forEach(c -> joined.merge(c.field(), c.text(), String::concat));
          assertThat(joined)
              .as("%s cut at %d,%d", text, cut, cut2)
              .containsOnlyKeys("reasoning", "answer")
              .containsAllEntriesOf(expected);
          assertThat(chunks)
              .filteredOn(FieldChunk::last)
              .extracting(FieldChunk::field)
              .containsExactlyInAnyOrder("reasoning", "answer");
        }
      }
    }
  }

  private static List<FieldChunk> run(List<String> tokens) {
    var splitter = new JsonFieldSplitter(OUTPUTS, Set.of("reasoning", "answer"));
    var out = new ArrayList<FieldChunk>();
    tokens.forEach(t -> out.addAll(Pieces.accept(splitter, t)));
    out.addAll(Pieces.finish(splitter));
    return out;
  }
}
