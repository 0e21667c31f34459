package dev.dspy4j.core.program;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.core.predict.Example;
import dev.dspy4j.core.predict.Module;
import dev.dspy4j.core.predict.Predict;
import dev.dspy4j.core.signature.Field;
import dev.dspy4j.core.signature.Signature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The other direction: programs whose state is set through dspy4j's API, saved by dspy4j, loaded by
 * Python DSPy. The committed java-saved/NAME.json files are dspy4j's save output (checked here so
 * the chain cannot silently break); java-saved/NAME.python.json holds the names and prompts Python
 * DSPy produced after loading them (tools/dspy-goldens/gen_programs.py), which must equal the
 * prompts dspy4j sends for the same program.
 *
 * <p>To rewrite the java-saved files after a deliberate change: run with {@code
 * -Ddspy4j.writeGoldens=true}, then regenerate the Python side with gen_programs.py.
 */
class JavaSavedGoldenTest {

  static final Map<String, Supplier<Module>> PROGRAMS = new LinkedHashMap<>();
  static final Map<String, String> CALLS =
      Map.of(
          "java_bare_predict", "bare_predict",
          "java_two_predictors", "two_predictors",
          "java_typed_fields", "typed_fields",
          "java_nested", "nested");

  static {
    PROGRAMS.put(
        "java_bare_predict",
        () -> {
          Predict p = Predict.of("question -> answer");
          p.updateState(
              s ->
                  s.withInstructions("Answer with one word, in \"quotes\".")
                      .withDemos(
                          List.of(
                              demo("question", "Capital of Italy?", "answer", "Rome"),
                              demo("question", "Capital of Japan — in kanji?", "answer", "東京"))));
          return p;
        });
    PROGRAMS.put(
        "java_two_predictors",
        () -> {
          var rag = new ProgramFixtures.Rag();
          rag.rewrite.updateState(
              s ->
                  s.withDemos(
                      List.of(
                          demo(
                              "question",
                              "Who painted the Mona Lisa?",
                              "query",
                              "Mona Lisa painter"))));
          rag.generateAnswer
              .predict()
              .updateState(
                  s ->
                      s.withInstructions("Answer using the context.\nCite it.")
                          .withDemos(
                              List.of(
                                  demo(
                                      "augmented",
                                      true,
                                      "context",
                                      List.of("Paris is in France."),
                                      "question",
                                      "Where is Paris?",
                                      "reasoning",
                                      "The context says so.",
                                      "answer",
                                      "France"))));
          return rag;
        });
    PROGRAMS.put(
        "java_typed_fields",
        () -> {
          var typed = new ProgramFixtures.Typed();
          typed
              .pick
              .predict()
              .updateState(
                  s ->
                      s.withDemos(
                          List.of(
                              demo(
                                  "question",
                                  "Smallest prime?",
                                  "options",
                                  List.of("1", "2", "3"),
                                  "answer",
                                  1,
                                  "confidence",
                                  1.0),
                              demo(
                                  "question",
                                  "Hottest planet?",
                                  "options",
                                  List.of("Venus", "Mercury"),
                                  "answer",
                                  0,
                                  "confidence",
                                  0.00003))));
          return typed;
        });
    PROGRAMS.put(
        "java_nested",
        () -> {
          var pipeline = new ProgramFixtures.Pipeline();
          pipeline.summarizer.summarize.updateState(
              s -> s.withDemos(List.of(demo("text", "Long text.", "summary", "Short."))));
          pipeline
              .summarizer
              .critique
              .predict()
              .updateState(
                  s ->
                      s.withPrefixes(Map.of("verdict", "Verdict (true/false):"))
                          .withSignature(describe(s.signature(), "summary", "a one-line summary")));
          pipeline.finalAnswer.updateState(s -> s.withInstructions("Reply yes or no."));
          return pipeline;
        });
  }

  private static Example demo(Object... keyValues) {
    var values = new LinkedHashMap<String, Object>();
    for (int i = 0; i < keyValues.length; i += 2)
      values.put((String) keyValues[i], keyValues[i + 1]);
    return Example.of(values);
  }

  private static Signature describe(Signature signature, String field, String description) {
    List<Field> fields =
        signature.fields().stream()
            .map(f -> f.name().equals(field) ? f.withDescription(description) : f)
            .toList();
    return Signature.of(fields, signature.instructions());
  }

  static Stream<String> programs() {
    return PROGRAMS.keySet().stream();
  }

  private static Path javaSaved(String name) {
    return Goldens.ROOT.resolve("java-saved").resolve(name + ".json");
  }

  @ParameterizedTest
  @MethodSource("programs")
  void saveStillWritesTheFilesPythonLoaded(String name) throws IOException {
    String text = ProgramFiles.text(PROGRAMS.get(name).get());
    if (Boolean.getBoolean("dspy4j.writeGoldens")) {
      Files.createDirectories(javaSaved(name).getParent());
      Files.writeString(javaSaved(name), text, StandardCharsets.UTF_8);
    }
    assertThat(text).isEqualTo(Goldens.text(javaSaved(name)));
  }

  @ParameterizedTest
  @MethodSource("programs")
  void pythonDspyReadsEveryPartOfDspy4jsFile(String name) {
    // Python DSPy loaded dspy4j's file and saved it again: the same bytes, so it read every demo,
    // instruction, description and prefix dspy4j wrote
    assertThat(ProgramFiles.text(PROGRAMS.get(name).get()))
        .isEqualTo(
            Goldens.text(Goldens.ROOT.resolve("java-saved/" + name + ".python-resaved.json")));
  }

  @ParameterizedTest
  @MethodSource("programs")
  void pythonDspyLoadingDspy4jsFileSendsDspy4jsPrompts(String name) {
    var python = Goldens.json(Goldens.ROOT.resolve("java-saved/" + name + ".python.json"));
    Module program = PROGRAMS.get(name).get();
    assertThat(List.copyOf(program.namedPredictors().keySet())).isEqualTo(Goldens.names(python));
    for (var call : Goldens.calls(python)) {
      assertThat(GoldenMessages.messages(program, call)).isEqualTo(call.messages());
    }
  }

  @ParameterizedTest
  @MethodSource("programs")
  void dspy4jLoadsItsOwnFileBackToTheSameState(String name) {
    Module saved = PROGRAMS.get(name).get();
    Module fresh = ProgramFixtures.PROGRAMS.get(CALLS.get(name)).get();
    fresh.load(javaSaved(name));
    var before = saved.namedPredictors();
    fresh
        .namedPredictors()
        .forEach((n, p) -> assertThat(p.state()).isEqualTo(before.get(n).state()));
  }
}
