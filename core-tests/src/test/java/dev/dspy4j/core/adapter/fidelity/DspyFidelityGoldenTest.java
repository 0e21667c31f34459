package dev.dspy4j.core.adapter.fidelity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dspy4j.core.adapter.Adapter;
import dev.dspy4j.core.adapter.AdapterParseException;
import dev.dspy4j.core.adapter.ChatAdapter;
import dev.dspy4j.core.adapter.JsonAdapter;
import dev.dspy4j.core.adapter.internal.JsonRepair;
import dev.dspy4j.core.lm.Message;
import dev.dspy4j.core.predict.Example;
import dev.dspy4j.core.predict.MissingInputException;
import dev.dspy4j.core.predict.Predict;
import dev.dspy4j.core.signature.Signature;
import dev.dspy4j.test.DummyLM;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * dspy4j against real DSPy over the generated golden cases ({@code
 * tools/dspy-goldens/gen_fidelity.py}): every format case must give DSPy's messages byte for byte,
 * every parse case DSPy's values (or an error where DSPy raises), every Predict case DSPy's prompt
 * and prediction. The only exceptions are the cases listed in {@link KnownDifferences}, each with
 * the README reason; a listed case that starts to match fails too, so the list cannot go stale.
 */
class DspyFidelityGoldenTest {

  private static final Adapter CHAT = new ChatAdapter();
  private static final Adapter JSON = new JsonAdapter();

  @TestFactory
  Stream<DynamicTest> formatCases() {
    return FidelityCases.load("format.jsonl").stream()
        .map(c -> DynamicTest.dynamicTest(c.get("id").asText(), () -> check(c, formatOutcome(c))));
  }

  @TestFactory
  Stream<DynamicTest> parseCases() {
    return FidelityCases.load("parse.jsonl").stream()
        .map(c -> DynamicTest.dynamicTest(c.get("id").asText(), () -> check(c, parseOutcome(c))));
  }

  @TestFactory
  Stream<DynamicTest> predictCases() {
    return FidelityCases.load("predict.jsonl").stream()
        .map(c -> DynamicTest.dynamicTest(c.get("id").asText(), () -> check(c, predictOutcome(c))));
  }

  @TestFactory
  Stream<DynamicTest> repairCases() {
    return FidelityCases.load("repair.jsonl").stream()
        .map(c -> DynamicTest.dynamicTest(c.get("id").asText(), () -> check(c, repairOutcome(c))));
  }

  @Test
  void theGoldenSetIsAsLargeAsPromised() {
    assertThat(FidelityCases.load("format.jsonl")).hasSizeGreaterThanOrEqualTo(500);
    assertThat(FidelityCases.load("parse.jsonl")).hasSizeGreaterThanOrEqualTo(300);
    assertThat(FidelityCases.load("predict.jsonl")).isNotEmpty();
  }

  @Test
  void everyListedDifferenceNamesAnExistingCase() {
    var ids = new ArrayList<String>();
    for (String f : List.of("format.jsonl", "parse.jsonl", "predict.jsonl", "repair.jsonl")) {
      FidelityCases.load(f).forEach(c -> ids.add(c.get("id").asText()));
    }
    assertThat(ids).containsAll(KnownDifferences.CASES.keySet());
  }

  /** What DSPy did and what dspy4j did, as comparable text; {@code mismatch} null when equal. */
  record Outcome(String expected, String actual) {
    boolean matches() {
      return expected.equals(actual);
    }
  }

  private static void check(JsonNode c, Outcome outcome) {
    String id = c.get("id").asText();
    Optional<String> reason = Optional.ofNullable(KnownDifferences.CASES.get(id));
    if (reason.isPresent()) {
      if (reason.get().equals(KnownDifferences.MISSING_INPUT)) {
        // the difference must be exactly the documented one: the required inputs absent or null
        assertThat(outcome.actual()).isEqualTo("MissingInputException " + requiredMissing(c));
      }
      if (outcome.matches()) {
        fail(
            id
                + " is listed as a known difference ("
                + reason.get()
                + ") but now matches DSPy: remove it");
      }
      return;
    }
    if (!outcome.matches()) {
      fail(
          id
              + " differs from DSPy "
              + firstDifference(outcome)
              + "\n--- DSPy:\n"
              + outcome.expected()
              + "\n--- dspy4j:\n"
              + outcome.actual()
              + "\n--- case: "
              + c);
    }
  }

  private static String firstDifference(Outcome o) {
    String a = o.expected();
    String b = o.actual();
    int i = 0;
    while (i < a.length() && i < b.length() && a.charAt(i) == b.charAt(i)) i++;
    int from = Math.max(0, i - 60);
    return "at char "
        + i
        + ":\n  DSPy:   "
        + quoted(a.substring(from, Math.min(a.length(), i + 80)))
        + "\n  dspy4j: "
        + quoted(b.substring(Math.min(from, b.length()), Math.min(b.length(), i + 80)));
  }

  private static String quoted(String s) {
    return "'" + s.replace("\n", "\\n") + "'";
  }

  static Outcome formatOutcome(JsonNode c) {
    String expected = c.has("error") ? "error" : text(FidelityCases.messages(c.get("ok")));
    String actual;
    try {
      Signature sig = FidelityCases.signature(c.get("signature"));
      var demos = new ArrayList<Map<String, Object>>();
      c.get("demos").forEach(d -> demos.add(FidelityCases.values(d)));
      actual = text(adapter(c).format(sig, demos, FidelityCases.values(c.get("inputs"))));
    } catch (RuntimeException e) {
      actual = "error (" + e + ")";
      if (expected.equals("error")) actual = "error";
    }
    if (c.has("response_schema")) {
      // the structured-outputs schema JSONAdapter sends, compared as JSON (key order aside)
      expected += "\n<<response_schema>>\n" + sortedJson(c.get("response_schema"));
      Object format =
          JSON.responseFormat(FidelityCases.signature(c.get("signature"))).orElseThrow();
      JsonNode node = FidelityCases.MAPPER.valueToTree(format);
      actual +=
          "\n<<response_schema>>\n"
              + sortedJson(
                  node.path("type").asText().equals("json_object")
                      ? null
                      : node.path("json_schema").path("schema"));
    }
    return new Outcome(expected, actual);
  }

  static Outcome parseOutcome(JsonNode c) {
    String expected =
        c.has("error") ? "error" : FidelityCases.canonical(FidelityCases.value(c.get("ok")));
    String actual;
    try {
      Signature sig = FidelityCases.signature(c.get("signature"));
      actual = FidelityCases.canonical(adapter(c).parse(sig, c.get("completion").asText()));
    } catch (AdapterParseException e) {
      actual = expected.equals("error") ? "error" : "error (" + e.getMessage() + ")";
    }
    return new Outcome(expected, actual);
  }

  /** json_repair.loads on damaged JSON; its "" for no JSON is {@link JsonRepair#NOT_JSON}. */
  static Outcome repairOutcome(JsonNode c) {
    String expected = FidelityCases.canonical(FidelityCases.value(c.get("ok")));
    Object repaired = JsonRepair.loads(c.get("text").asText());
    String actual = FidelityCases.canonical(repaired == JsonRepair.NOT_JSON ? "" : repaired);
    return new Outcome(expected, actual);
  }

  static Outcome predictOutcome(JsonNode c) {
    JsonNode ok = c.get("ok");
    String expected =
        text(FidelityCases.messages(ok.get("messages")))
            + "\n=> "
            + FidelityCases.canonical(FidelityCases.value(ok.get("outputs")));
    String actual;
    try {
      Signature sig = FidelityCases.signature(c.get("signature"));
      var demos = new ArrayList<Example>();
      c.get("demos").forEach(d -> demos.add(new Example(FidelityCases.values(d))));
      var lm = DummyLM.ofTexts(ok.get("completion").asText());
      var prediction =
          Predict.of(sig)
              .withDemos(demos)
              .withLm(lm)
              .withJsonFallback(false)
              .call(FidelityCases.values(c.get("inputs")))
              .block(Duration.ofSeconds(10));
      actual =
          text(lm.lastRequest().messages())
              + "\n=> "
              + FidelityCases.canonical(new LinkedHashMap<>(prediction.fields()));
    } catch (MissingInputException e) {
      actual = "MissingInputException " + e.missing();
    }
    return new Outcome(expected, actual);
  }

  /** The required inputs (not Optional) a Predict case leaves out or gives as None. */
  private static List<String> requiredMissing(JsonNode c) {
    var out = new ArrayList<String>();
    JsonNode inputs = c.get("inputs");
    for (JsonNode f : c.get("signature").get("fields")) {
      if (!f.get("role").asText().equals("input")) continue;
      boolean optional = f.get("type").isObject() && f.get("type").has("optional");
      String name = f.get("name").asText();
      if (!optional && (!inputs.has(name) || inputs.get(name).isNull())) out.add(name);
    }
    return out;
  }

  private static String sortedJson(JsonNode node) {
    try {
      Object plain =
          node == null || node.isNull()
              ? null
              : FidelityCases.MAPPER.convertValue(node, Object.class);
      return FidelityCases.MAPPER
          .writer(com.fasterxml.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .writeValueAsString(plain);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Adapter adapter(JsonNode c) {
    return c.get("adapter").asText().equals("json") ? JSON : CHAT;
  }

  private static String text(List<Message> messages) {
    var sb = new StringBuilder();
    for (Message m : messages)
      sb.append("<<").append(m.role()).append(">>\n").append(m.content()).append('\n');
    return sb.toString();
  }
}
