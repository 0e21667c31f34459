package dev.dspy4j.core.evaluate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.core.predict.Example;
import dev.dspy4j.core.predict.Prediction;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Metric values against those real DSPy computed (tools/dspy-goldens/gen_metrics.py). */
class MetricsGoldenTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static List<JsonNode> cases;

  @BeforeAll
  static void readGoldens() throws Exception {
    cases = new ArrayList<>();
    try (var in =
        new BufferedReader(
            new InputStreamReader(
                Objects.requireNonNull(
                    MetricsGoldenTest.class.getResourceAsStream(
                        "/dspy-goldens/metrics/metrics.jsonl")),
                StandardCharsets.UTF_8))) {
      for (String line; (line = in.readLine()) != null; ) {
        cases.add(JSON.readTree(line));
      }
    }
    assertThat(cases).hasSizeGreaterThanOrEqualTo(300);
  }

  @Test
  void normalizeTextMatchesDspyOnEveryGoldenString() {
    var mismatches = new ArrayList<String>();
    for (JsonNode c : cases) {
      String s = c.get("prediction").asText();
      String expected = c.get("normalize_text").asText();
      String actual = Metrics.normalizeText(s);
      if (!expected.equals(actual)) {
        mismatches.add(
            c.get("id").asText()
                + ": "
                + JSON.valueToTree(s)
                + " -> "
                + JSON.valueToTree(actual)
                + ", DSPy "
                + JSON.valueToTree(expected));
      }
    }
    assertThat(mismatches).isEmpty();
  }

  @Test
  void tokenScoresMatchDspyExactly() {
    var mismatches = new ArrayList<String>();
    for (JsonNode c : cases) {
      String p = c.get("prediction").asText();
      String g = c.get("gold").asText();
      List<String> golds = strings(c.get("golds"));
      check(mismatches, c, "em", c.get("em").asBoolean(), Metrics.emScore(p, g));
      check(mismatches, c, "f1", c.get("f1").asDouble(), Metrics.f1Score(p, g));
      check(mismatches, c, "hotpot_f1", c.get("hotpot_f1").asDouble(), Metrics.hotpotF1Score(p, g));
      check(
          mismatches, c, "precision", c.get("precision").asDouble(), Metrics.precisionScore(p, g));
      check(mismatches, c, "EM_list", c.get("EM_list").asBoolean(), Metrics.em(p, golds));
      check(mismatches, c, "F1_list", c.get("F1_list").asDouble(), Metrics.f1(p, golds));
    }
    assertThat(mismatches).isEmpty();
  }

  @Test
  void exampleLevelMetricsMatchDspy() {
    var mismatches = new ArrayList<String>();
    for (JsonNode c : cases) {
      var prediction =
          Prediction.of(
              Map.of(
                  "answer", c.get("prediction").asText(), "context", strings(c.get("passages"))));
      var single = Example.of(Map.of("answer", c.get("gold").asText()));
      var list = Example.of(Map.of("answer", strings(c.get("golds"))));
      check(
          mismatches,
          c,
          "answer_exact_match",
          c.get("answer_exact_match").asBoolean(),
          passes(Metrics.answerExactMatch(), single, prediction));
      check(
          mismatches,
          c,
          "answer_exact_match_list",
          c.get("answer_exact_match_list").asBoolean(),
          passes(Metrics.answerExactMatch(), list, prediction));
      check(
          mismatches,
          c,
          "answer_exact_match_frac_0_5",
          c.get("answer_exact_match_frac_0_5").asBoolean(),
          passes(Metrics.answerExactMatch(0.5), list, prediction));
      check(
          mismatches,
          c,
          "answer_exact_match_frac_0_8",
          c.get("answer_exact_match_frac_0_8").asBoolean(),
          passes(Metrics.answerExactMatch(0.8), single, prediction));
      check(
          mismatches,
          c,
          "answer_passage_match",
          c.get("answer_passage_match").asBoolean(),
          passes(Metrics.answerPassageMatch(), single, prediction));
      check(
          mismatches,
          c,
          "answer_passage_match_list",
          c.get("answer_passage_match_list").asBoolean(),
          passes(Metrics.answerPassageMatch(), list, prediction));
    }
    assertThat(mismatches).isEmpty();
  }

  @Test
  void accentsSplitIntoCombiningMarksAreNotWordCharactersAsInPython() {
    // NFD turns "thé" into "the" + U+0301; Python's \b sees a boundary before the mark (not alnum),
    // so "the" is removed as an article. Java's Unicode \w would count the mark as a word
    // character.
    assertThat(Metrics.normalizeText("thé")).isEqualTo("\u0301");
    assertThat(Metrics.normalizeText("The,  Eiffel  Tower!")).isEqualTo("eiffel tower");
  }

  @Test
  void metricNamesAreDspyFunctionNames() {
    assertThat(Metrics.answerExactMatch().name()).isEqualTo("answer_exact_match");
    assertThat(Metrics.answerPassageMatch().name()).isEqualTo("answer_passage_match");
  }

  private static boolean passes(Metric metric, Example gold, Prediction prediction) {
    return metric.score(gold, prediction).blockOptional().orElseThrow() == 1.0;
  }

  private static void check(
      List<String> mismatches, JsonNode c, String what, Object expected, Object actual) {
    if (!expected.equals(actual)) {
      mismatches.add(
          c.get("id").asText()
              + " "
              + what
              + ": dspy4j "
              + actual
              + ", DSPy "
              + expected
              + " for "
              + JSON.valueToTree(c.get("prediction").asText()));
    }
  }

  private static List<String> strings(JsonNode array) {
    var out = new ArrayList<String>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
