package dev.dspy4j.core.predict;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.core.Dspy;
import dev.dspy4j.core.evaluate.Metrics;
import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.core.lm.Message;
import dev.dspy4j.core.signature.Signature;
import dev.dspy4j.test.DummyLM;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 20 against real DSPy 3.3.1: the prompts of MultiChainComparison and of Refine (attempts,
 * OfferFeedback step, hinted retry), BestOfN's order of attempts, and majority's winners, all from
 * {@code tools/dspy-goldens/gen_modules.py} (files under {@code dspy-goldens/modules/}).
 */
class ModulesGoldenTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(10);

  private static <T> T golden(String file, TypeReference<T> type) throws IOException {
    try (InputStream in =
        ModulesGoldenTest.class.getResourceAsStream("/dspy-goldens/modules/" + file)) {
      assertThat(in).as(file).isNotNull();
      return JSON.readValue(in, type);
    }
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> list(Object o) {
    return (List<Map<String, Object>>) o;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    return (Map<String, Object>) o;
  }

  private static List<Map<String, String>> messages(LmRequest request) {
    var out = new ArrayList<Map<String, String>>();
    for (Message m : request.messages()) out.add(Map.of("role", m.role(), "content", m.content()));
    return out;
  }

  private static void assertSameMessages(LmRequest request, Map<String, Object> call, String what) {
    List<Map<String, Object>> expected = list(call.get("messages"));
    var actual = messages(request);
    assertThat(actual).as(what + ": number of messages").hasSize(expected.size());
    for (int i = 0; i < expected.size(); i++) {
      assertThat(actual.get(i).get("role"))
          .as(what + " message " + i + " role")
          .isEqualTo(expected.get(i).get("role"));
      assertThat(actual.get(i).get("content"))
          .as(what + " message " + i + " content")
          .isEqualTo(expected.get(i).get("content"));
    }
  }

  /** Java's request settings for a golden call's DSPy kwargs: rollout_id and temperature. */
  private static void assertSameAttemptSettings(
      LmRequest request, Map<String, Object> kwargs, String what) {
    if (kwargs.containsKey("rollout_id")) {
      assertThat(request.rolloutId())
          .as(what + " rollout id")
          .hasValue(String.valueOf(kwargs.get("rollout_id")));
      assertThat(request.temperature())
          .as(what + " temperature")
          .hasValue(((Number) kwargs.get("temperature")).doubleValue());
    } else {
      assertThat(request.rolloutId()).as(what + " has no rollout id").isEmpty();
    }
  }

  @Test
  void multiChainComparisonPromptsEqualDspysByteForByte() throws IOException {
    List<Map<String, Object>> cases =
        golden("multi_chain_comparison.json", new TypeReference<>() {});
    assertThat(cases).hasSize(2);
    for (var c : cases) {
      String name = (String) c.get("name");
      DummyLM lm = DummyLM.of(List.of(map(c.get("answer"))));
      var mcc =
          MultiChainComparison.of(
              Signature.parse((String) c.get("signature")), (Integer) c.get("M"));
      Prediction p =
          mcc.call(list(c.get("completions")), map(c.get("inputs")))
              .contextWrite(Dspy.withLm(lm))
              .block(WAIT);
      List<Map<String, Object>> calls = list(c.get("calls"));
      assertThat(lm.requests()).as(name).hasSize(1);
      assertSameMessages(lm.lastRequest(), calls.get(0), name);
      assertThat(lm.lastRequest().temperature())
          .as(name + " temperature")
          .hasValue(((Number) map(calls.get(0).get("kwargs")).get("temperature")).doubleValue());
      assertThat(p.fields()).as(name + " prediction").isEqualTo(map(c.get("prediction")));
    }
  }

  @Test
  void refinePromptsEqualDspysByteForByteGivenTheSameCodeTexts() throws IOException {
    List<Map<String, Object>> cases = golden("refine.json", new TypeReference<>() {});
    assertThat(cases).hasSize(2);
    Map<String, Module> modules =
        Map.of(
            "chain_of_thought_second_attempt_passes", ChainOfThought.of("question -> answer"),
            "predict_all_attempts_fail_advice_for_other_module", Predict.of("question -> answer"));
    Reward oneWord = (in, p) -> p.get("answer").trim().split("\\s+").length == 1 ? 1.0 : 0.0;
    for (var c : cases) {
      String name = (String) c.get("name");
      DummyLM lm = DummyLM.of(list(c.get("answers")));
      var refine =
          Refine.of(
                  modules.get(name),
                  (Integer) c.get("N"),
                  oneWord,
                  ((Number) c.get("threshold")).doubleValue())
              .withProgramCode((String) c.get("program_code"))
              .withRewardCode((String) c.get("reward_code"));
      Prediction p =
          refine
              .call(Map.of("question", "What is the capital of Belgium?"))
              .contextWrite(Dspy.withLm(lm))
              .block(WAIT);
      List<Map<String, Object>> calls = list(c.get("calls"));
      assertThat(lm.requests()).as(name + ": LM calls").hasSize(calls.size());
      for (int i = 0; i < calls.size(); i++) {
        assertSameMessages(lm.requests().get(i), calls.get(i), name + " call " + i);
        assertSameAttemptSettings(
            lm.requests().get(i), map(calls.get(i).get("kwargs")), name + " call " + i);
      }
      assertThat(p.fields()).as(name + " prediction").isEqualTo(map(c.get("prediction")));
    }
  }

  @Test
  void bestOfNRunsItsAttemptsInDspysOrderWithDspysRolloutIdsAndTemperature() throws IOException {
    List<Map<String, Object>> cases = golden("best_of_n.json", new TypeReference<>() {});
    Reward oneWord = (in, p) -> p.get("answer").trim().split("\\s+").length == 1 ? 1.0 : 0.0;
    for (var c : cases) {
      String name = (String) c.get("name");
      DummyLM lm = DummyLM.of(list(c.get("answers")));
      var best =
          BestOfN.of(
              Predict.of("question -> answer"),
              (Integer) c.get("N"),
              oneWord,
              ((Number) c.get("threshold")).doubleValue());
      Prediction p =
          best.call(Map.of("question", "What is the capital of Belgium?"))
              .contextWrite(Dspy.withLm(lm))
              .block(WAIT);
      List<Map<String, Object>> attempts = list(c.get("attempts"));
      assertThat(lm.requests()).as(name + ": attempts").hasSize(attempts.size());
      for (int i = 0; i < attempts.size(); i++) {
        assertSameAttemptSettings(lm.requests().get(i), attempts.get(i), name + " attempt " + i);
      }
      assertThat(p.fields()).as(name + " prediction").isEqualTo(map(c.get("prediction")));
    }
  }

  @Test
  void majorityPicksWhatDspyPicksAndNormalisesTextAsDspy() throws IOException {
    Map<String, Object> data = golden("majority.json", new TypeReference<>() {});
    List<Map<String, Object>> cases = list(data.get("cases"));
    assertThat(cases).hasSizeGreaterThan(5);
    for (var c : cases) {
      var completions = list(c.get("completions"));
      Prediction winner = Majority.majority(completions, (String) c.get("field"));
      assertThat(winner.fields())
          .as((String) c.get("name"))
          .isEqualTo(new LinkedHashMap<>(map(c.get("winner"))));
    }
    for (var t : list(data.get("normalize_text"))) {
      assertThat(Metrics.normalizeText((String) t.get("text")))
          .as((String) t.get("text"))
          .isEqualTo(t.get("normalized"));
    }
  }
}
