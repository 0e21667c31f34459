package dev.dspy4j.core.predict.react;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.core.Dspy;
import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.core.lm.Message;
import dev.dspy4j.core.predict.Prediction;
import dev.dspy4j.core.predict.ReAct;
import dev.dspy4j.core.tool.Tool;
import dev.dspy4j.test.DummyLM;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * ReAct against real DSPy's ReAct run with its DummyLM (tools/dspy-goldens/gen_react.py): the same
 * prompts for a 3-tool-call trajectory and the extract step, byte for byte, and the same
 * prediction.
 */
class ReActGoldenTest {

  static final ObjectMapper JSON = new ObjectMapper();

  record CityArgs(String city) {}

  record DivideArgs(double numerator, double denominator) {}

  static final Tool LOOKUP_POPULATION =
      Tool.of(
          "lookup_population",
          "Look up the population of a city, in people.",
          CityArgs.class,
          args -> Map.of("Paris", 2102650, "Lyon", 522250).get(args.city()));
  static final Tool DIVIDE =
      Tool.of(
          "divide",
          "Divide two numbers.",
          DivideArgs.class,
          args -> args.numerator() / args.denominator());

  static JsonNode golden(String file) throws Exception {
    return JSON.readTree(
        Objects.requireNonNull(
            ReActGoldenTest.class.getResourceAsStream("/dspy-goldens/react/" + file)));
  }

  static List<List<Map<String, String>>> prompts(DummyLM lm) {
    var out = new ArrayList<List<Map<String, String>>>();
    for (LmRequest r : lm.requests()) {
      var messages = new ArrayList<Map<String, String>>();
      for (Message m : r.messages()) messages.add(Map.of("role", m.role(), "content", m.content()));
      out.add(messages);
    }
    return out;
  }

  static DummyLM scripted(JsonNode script) {
    return DummyLM.of(JSON.convertValue(script, new TypeReference<List<Map<String, Object>>>() {}));
  }

  @Test
  void aThreeStepTrajectoryWithTwoToolsSendsDspysPromptsAndPredictsAsDspy() throws Exception {
    JsonNode g = golden("two_tools.json");
    DummyLM lm = scripted(g.get("script"));
    ReAct agent =
        ReAct.of("question -> answer", List.of(LOOKUP_POPULATION, DIVIDE)).withMaxIters(5);

    Prediction p =
        agent
            .call(Map.of("question", g.get("question").asText()))
            .contextWrite(Dspy.withLm(lm))
            .block();

    assertThat(prompts(lm))
        .isEqualTo(JSON.convertValue(g.get("prompts"), new TypeReference<>() {}));
    assertThat(JSON.readTree(JSON.writeValueAsString(p.fields()))).isEqualTo(g.get("prediction"));
    assertThat(List.copyOf(p.fields().keySet()))
        .containsExactly("trajectory", "reasoning", "answer");
  }

  @Test
  void theToolsPrintAsDspyPrintsThem() throws Exception {
    ReAct agent = ReAct.of("question -> answer", List.of(LOOKUP_POPULATION, DIVIDE));
    assertThat(agent.tools().values().stream().map(Tool::toString).toList())
        .isEqualTo(
            JSON.convertValue(
                golden("two_tools.json").get("tool_strings"),
                new TypeReference<List<String>>() {}));
  }

  @Test
  void namedPredictorsAreDspys() throws Exception {
    ReAct agent = ReAct.of("question -> answer", List.of(LOOKUP_POPULATION, DIVIDE));
    assertThat(List.copyOf(agent.namedPredictors().keySet()))
        .isEqualTo(
            JSON.convertValue(
                golden("two_tools.json").get("named_predictors"),
                new TypeReference<List<String>>() {}));
  }

  @Test
  void afterMaxItersTheExtractStepRunsOnTheTrajectorySoFar() throws Exception {
    JsonNode g = golden("max_iters.json");
    DummyLM lm = scripted(g.get("script"));
    ReAct agent =
        ReAct.of("question -> answer", List.of(LOOKUP_POPULATION, DIVIDE)).withMaxIters(2);

    Prediction p =
        agent
            .call(Map.of("question", g.get("question").asText()))
            .contextWrite(Dspy.withLm(lm))
            .block();

    assertThat(prompts(lm))
        .isEqualTo(JSON.convertValue(g.get("prompts"), new TypeReference<>() {}));
    assertThat(JSON.readTree(JSON.writeValueAsString(p.fields()))).isEqualTo(g.get("prediction"));
  }
}
