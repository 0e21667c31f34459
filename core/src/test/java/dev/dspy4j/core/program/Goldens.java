package dev.dspy4j.core.program;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.core.Dspy;
import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.core.predict.Module;
import dev.dspy4j.core.testing.DummyLM;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the program goldens DSPy wrote (tools/dspy-goldens/gen_programs.py) and runs programs the
 * same way.
 */
final class Goldens {

  static final Path ROOT = Path.of("src/test/resources/dspy-goldens/programs");
  private static final ObjectMapper JSON = new ObjectMapper();

  private Goldens() {}

  static Path pythonSaved(String name) {
    return ROOT.resolve("python-saved").resolve(name + ".json");
  }

  static String text(Path path) {
    try {
      return Files.readString(path, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> json(Path path) {
    try {
      return JSON.readValue(path.toFile(), LinkedHashMap.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One call of a golden: inputs, the DummyLM answers, and the messages of each LM call. */
  record Call(
      Map<String, Object> inputs,
      List<Map<String, Object>> answers,
      List<List<Map<String, String>>> messages) {}

  @SuppressWarnings("unchecked")
  static List<Call> calls(Map<String, Object> expected) {
    var out = new ArrayList<Call>();
    for (var c : (List<Map<String, Object>>) expected.get("calls")) {
      out.add(
          new Call(
              (Map<String, Object>) c.get("inputs"),
              (List<Map<String, Object>>) c.get("answers"),
              (List<List<Map<String, String>>>) c.get("messages")));
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  static List<String> names(Map<String, Object> expected) {
    return (List<String>) expected.get("named_predictors");
  }

  /** The messages of every LM call the program makes for this call, as role/content maps. */
  static List<List<Map<String, String>>> messages(Module program, Call call) {
    DummyLM lm = DummyLM.of(call.answers());
    Module target = program;
    var inputs = new LinkedHashMap<String, Object>(call.inputs());
    Object predictor = inputs.remove("predictor"); // a call of one named predictor
    if (predictor != null) target = program.namedPredictors().get((String) predictor);
    target.call(inputs).contextWrite(Dspy.withLm(lm)).block(Duration.ofSeconds(10));
    var out = new ArrayList<List<Map<String, String>>>();
    for (LmRequest r : lm.requests()) {
      var messages = new ArrayList<Map<String, String>>();
      r.messages()
          .forEach(
              m -> {
                var entry = new LinkedHashMap<String, String>();
                entry.put("role", m.role());
                entry.put("content", m.content());
                messages.add(entry);
              });
      out.add(messages);
    }
    return out;
  }
}
