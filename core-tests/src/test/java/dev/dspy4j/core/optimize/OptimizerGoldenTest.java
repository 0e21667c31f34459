package dev.dspy4j.core.optimize;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dspy4j.core.Dspy;
import dev.dspy4j.core.evaluate.Metrics;
import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.core.lm.Message;
import dev.dspy4j.core.predict.Module;
import dev.dspy4j.test.DummyLM;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LabeledFewShot and BootstrapFewShot compile the scripted task into exactly the programs DSPy
 * compiles (tools/dspy-goldens/gen_optimize.py): the same demos (augmented and raw, in order, the
 * raw ones drawn as Python's Random(0) draws them), saved in the same JSON, sending the same
 * prompts.
 */
class OptimizerGoldenTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void labeledFewShotPicksDspysDemosForOnePredictor() throws Exception {
    compareSaved(
        LabeledFewShot.of(5).compile(ScriptedTask.QA::new, ScriptedTask.trainset()).block(),
        "qa_labeled.json");
  }

  @Test
  void labeledFewShotDrawsForEachPredictorFromOneGenerator() throws Exception {
    compareSaved(
        LabeledFewShot.of(5)
            .compile(ScriptedTask.RewriteThenAnswer::new, ScriptedTask.trainset())
            .block(),
        "rewrite_then_answer_labeled.json");
  }

  @Test
  void bootstrapFewShotKeepsThePassingTracesAndSamplesTheRestAsDspy() throws Exception {
    bootstrapAndCompare(ScriptedTask.QA::new, "qa", 1);
  }

  @Test
  void bootstrapFewShotRecordsATracePerPredictorOfAComposite() throws Exception {
    bootstrapAndCompare(ScriptedTask.RewriteThenAnswer::new, "rewrite_then_answer", 1);
  }

  @Test
  void concurrentBootstrappingCompilesTheSameProgram() throws Exception {
    bootstrapAndCompare(ScriptedTask.RewriteThenAnswer::new, "rewrite_then_answer", 6);
  }

  private void bootstrapAndCompare(Supplier<? extends Module> program, String name, int concurrency)
      throws Exception {
    var optimizer =
        BootstrapFewShot.builder(Metrics.answerExactMatch())
            .maxBootstrappedDemos(3)
            .maxLabeledDemos(5)
            .concurrency(concurrency)
            .build();
    Module compiled =
        optimizer
            .compile(program, ScriptedTask.trainset())
            .contextWrite(Dspy.withLm(ScriptedTask.lm()))
            .block();
    compareSaved(compiled, name + "_bootstrapped.json");

    JsonNode expectations = golden("expectations.json").at("/programs/" + name);
    assertThat(List.copyOf(compiled.namedPredictors().keySet()))
        .isEqualTo(
            JSON.convertValue(expectations.get("names"), new TypeReference<List<String>>() {}));
    DummyLM lm = ScriptedTask.lm();
    compiled
        .call(Map.of("question", "<q" + ScriptedTask.N + ">"))
        .contextWrite(Dspy.withLm(lm))
        .block();
    assertThat(prompts(lm))
        .isEqualTo(
            JSON.convertValue(
                expectations.get("bootstrapped_prompts"),
                new TypeReference<List<List<Map<String, String>>>>() {}));
  }

  private void compareSaved(Module compiled, String goldenFile) throws Exception {
    Path saved = dir.resolve(goldenFile);
    compiled.save(saved);
    ObjectNode actual = (ObjectNode) JSON.readTree(saved.toFile());
    actual.remove("metadata");
    assertThat(actual).isEqualTo(golden(goldenFile));
  }

  private static JsonNode golden(String file) throws Exception {
    return JSON.readTree(
        Objects.requireNonNull(
            OptimizerGoldenTest.class.getResourceAsStream("/dspy-goldens/optimize/" + file)));
  }

  private static List<List<Map<String, String>>> prompts(DummyLM lm) {
    var out = new ArrayList<List<Map<String, String>>>();
    for (LmRequest r : lm.requests()) {
      var messages = new ArrayList<Map<String, String>>();
      for (Message m : r.messages()) messages.add(Map.of("role", m.role(), "content", m.content()));
      out.add(messages);
    }
    return out;
  }
}
