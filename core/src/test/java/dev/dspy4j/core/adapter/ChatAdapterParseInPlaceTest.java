package dev.dspy4j.core.adapter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dspy4j.core.adapter.internal.PyText;
import dev.dspy4j.core.signature.Signature;
import java.util.AbstractMap.SimpleEntry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;

/**
 * {@link ChatAdapter#parse} walks the answer's lines in place and copies out only the values; it
 * must read exactly what DSPy's line-by-line algorithm reads (split the lines, strip each to find
 * headers, join a section's lines with {@code \n} and strip), which this test writes out literally
 * and compares on random answers mixing every Python line break, indented headers, text after a
 * header on its line, repeated and unknown sections.
 */
class ChatAdapterParseInPlaceTest {

  private static final Signature SIGNATURE = Signature.parse("question -> reasoning, answer");

  private static final String[] BREAKS = {
    "\n", "\n", "\n", "\r\n", "\r", "\u000b", "\u000c", "\u001c", "\u0085", "\u2028", "\n\n"
  };
  private static final String[] PIECES = {
    "[[ ## reasoning ## ]]",
    "[[ ## answer ## ]]",
    "  [[ ## answer ## ]]",
    "[[ ## answer ## ]] 42 ",
    "\t[[ ## reasoning ## ]]then",
    "[[ ## completed ## ]]",
    "[[ ## other ## ]]",
    "[[ # answer ## ]]",
    "[ not a header",
    "step",
    " step ",
    "  ",
    "",
    "42",
    "x\u00a0y",
  };

  @Test
  void readsWhatTheLineByLineAlgorithmReads() {
    var adapter = new ChatAdapter();
    var random = new Random(14);
    int compared = 0;
    for (int i = 0; i < 20_000; i++) {
      var text = new StringBuilder();
      int lines = 1 + random.nextInt(9);
      for (int l = 0; l < lines; l++) {
        text.append(PIECES[random.nextInt(PIECES.length)]);
        if (random.nextInt(4) == 0) text.append(PIECES[random.nextInt(PIECES.length)]);
        if (l < lines - 1 || random.nextBoolean()) {
          text.append(BREAKS[random.nextInt(BREAKS.length)]);
        }
      }
      String completion = text.toString();
      Map<String, String> expected = lineByLine(completion);
      if (expected.size() == 2) {
        assertThat(adapter.parse(SIGNATURE, completion))
            .as("%s", completion.replace("\n", "\\n").replace("\r", "\\r"))
            .isEqualTo(expected);
        compared++;
      } else {
        assertThatThrownBy(() -> adapter.parse(SIGNATURE, completion))
            .isInstanceOf(AdapterParseException.class);
      }
    }
    assertThat(compared).isGreaterThan(1_000);
  }

  /** DSPy's ChatAdapter.parse for two str outputs, line by line as it is written in Python. */
  private static Map<String, String> lineByLine(String completion) {
    var sections = new ArrayList<Map.Entry<String, List<String>>>();
    sections.add(new SimpleEntry<>(null, new ArrayList<>()));
    for (String line : PyText.splitlines(completion)) {
      Matcher m = ChatAdapter.FIELD_HEADER.matcher(PyText.strip(line));
      if (m.lookingAt()) {
        String rest = PyText.strip(line.substring(Math.min(m.end(), line.length())));
        var lines = new ArrayList<String>();
        if (!rest.isEmpty()) lines.add(rest);
        sections.add(new SimpleEntry<>(m.group(1), lines));
      } else {
        sections.get(sections.size() - 1).getValue().add(line);
      }
    }
    var parsed = new LinkedHashMap<String, String>();
    for (var section : sections) {
      String k = section.getKey();
      if (k == null || parsed.containsKey(k) || !(k.equals("reasoning") || k.equals("answer"))) {
        continue;
      }
      parsed.put(k, PyText.strip(String.join("\n", section.getValue())));
    }
    var ordered = new LinkedHashMap<String, String>();
    for (String k : List.of("reasoning", "answer")) {
      if (parsed.containsKey(k)) ordered.put(k, parsed.get(k));
    }
    return ordered;
  }
}
