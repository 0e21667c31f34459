package dev.dspy4j.core.program;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the program goldens DSPy wrote (tools/dspy-goldens/gen_programs.py); core-tests' {@code
 * GoldenMessages} runs programs the same way.
 */
final class Goldens {

  /**
   * The goldens' folder in core's test resources: relative to core, where its tests run; core-tests
   * (whose tests read the same files) names core's folder in the system property {@code
   * dspy4j.core.dir}.
   */
  static final Path ROOT =
      Path.of(System.getProperty("dspy4j.core.dir", ""))
          .resolve("src/test/resources/dspy-goldens/programs");

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

  /** One call of a golden: inputs, the scripted LM's answers, and the messages of each LM call. */
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
}
