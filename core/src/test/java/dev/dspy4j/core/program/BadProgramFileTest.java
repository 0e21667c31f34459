package dev.dspy4j.core.program;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.core.predict.ChainOfThought;
import dev.dspy4j.core.predict.Module;
import dev.dspy4j.core.predict.Predict;
import dev.dspy4j.core.predict.PredictorState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Every bad file gives its own typed error naming the problem, and leaves the program as it was
 * (nothing half-loaded): each test loads into a program with a known state and checks it after.
 */
class BadProgramFileTest {

  @TempDir Path dir;

  private static final Path BAD = Goldens.ROOT.resolve("bad");

  /** A two-predictor program whose state is set, so a partial load would show. */
  private static ProgramFixtures.Rag learnedRag() {
    var rag = new ProgramFixtures.Rag();
    rag.rewrite.updateState(s -> s.withInstructions("Before: rewrite."));
    rag.generateAnswer.predict().updateState(s -> s.withInstructions("Before: answer."));
    return rag;
  }

  private static Map<String, PredictorState> states(Module program) {
    var out = new LinkedHashMap<String, PredictorState>();
    program.namedPredictors().forEach((n, p) -> out.put(n, p.state()));
    return out;
  }

  /** Writes the two_predictors golden, changed by {@code edit}, and returns its path. */
  @SuppressWarnings("unchecked")
  private Path editedRag(Consumer<Map<String, Object>> edit) throws IOException {
    Map<String, Object> json =
        new ObjectMapper()
            .readValue(Goldens.pythonSaved("two_predictors").toFile(), LinkedHashMap.class);
    edit.accept(json);
    Path file = dir.resolve("edited.json");
    Files.writeString(file, new ObjectMapper().writeValueAsString(json));
    return file;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> obj(Object o) {
    return (Map<String, Object>) o;
  }

  private void assertUnchanged(Module program, Map<String, PredictorState> before) {
    assertThat(states(program)).isEqualTo(before);
  }

  @Test
  void missingAndExtraPredictorsAreListed() throws IOException {
    var rag = learnedRag();
    var before = states(rag);
    Path file =
        editedRag(json -> json.put("generate_answer", json.remove("generate_answer.predict")));
    assertThatThrownBy(() -> rag.load(file))
        .isInstanceOfSatisfying(
            PredictorNamesMismatchException.class,
            e -> {
              assertThat(e.missing()).containsExactly("generate_answer.predict");
              assertThat(e.extra()).containsExactly("generate_answer");
              assertThat(e.path()).isEqualTo(file);
            })
        .hasMessageContaining("missing from the file: [generate_answer.predict]")
        .hasMessageContaining("in the file but not in the program: [generate_answer]");
    assertUnchanged(rag, before);
  }

  @Test
  void aCompositeFileIntoABarePredictNamesTheMismatch() {
    Predict bare = Predict.of("question -> answer");
    var before = bare.state();
    assertThatThrownBy(() -> bare.load(Goldens.pythonSaved("two_predictors")))
        .isInstanceOfSatisfying(
            PredictorNamesMismatchException.class,
            e -> {
              assertThat(e.missing()).containsExactly("self");
              assertThat(e.extra()).containsExactly("rewrite", "generate_answer.predict");
            });
    assertThat(bare.state()).isEqualTo(before);
  }

  @Test
  @SuppressWarnings("unchecked")
  void aFieldListThatDoesNotFitTheSignatureIsNamedAndNothingIsHalfLoaded() throws IOException {
    var rag = learnedRag();
    var before = states(rag);
    // the first predictor is fine (it would load), the second has one field too few
    Path file =
        editedRag(
            json -> {
              var fields =
                  (List<Object>)
                      obj(obj(json.get("generate_answer.predict")).get("signature")).get("fields");
              fields.remove(fields.size() - 1);
            });
    assertThatThrownBy(() -> rag.load(file))
        .isInstanceOfSatisfying(
            SignatureMismatchException.class,
            e -> assertThat(e.predictor()).isEqualTo("generate_answer.predict"))
        .hasMessageContaining(
            "saves 3 field(s), but its signature has 4: [context, question, reasoning, answer]");
    assertUnchanged(rag, before);
  }

  @Test
  void aFileOfAnotherSignatureIsRejected() {
    ChainOfThought cot =
        ChainOfThought.of("context, question -> answer"); // 4 fields; the file has 3
    assertThatThrownBy(() -> cot.load(Goldens.pythonSaved("cot_augmented")))
        .isInstanceOf(SignatureMismatchException.class)
        .hasMessageContaining("'predict'");
  }

  @Test
  void malformedJsonGivesItsPosition() throws IOException {
    var rag = learnedRag();
    var before = states(rag);
    Path file = dir.resolve("broken.json");
    Files.writeString(file, "{\n  \"rewrite\": {\n    \"demos\": [,]\n  }\n}\n");
    assertThatThrownBy(() -> rag.load(file))
        .isInstanceOfSatisfying(
            MalformedProgramFileException.class,
            e -> {
              assertThat(e.line()).isEqualTo(3);
              assertThat(e.column()).isGreaterThan(0);
            })
        .hasMessageContaining("invalid JSON")
        .hasMessageContaining("line 3, column");
    assertUnchanged(rag, before);
  }

  @Test
  void trailingGarbageIsMalformed() throws IOException {
    Path file = dir.resolve("trailing.json");
    Files.writeString(file, Goldens.text(Goldens.pythonSaved("two_predictors")) + "}");
    assertThatThrownBy(() -> learnedRag().load(file))
        .isInstanceOf(MalformedProgramFileException.class);
  }

  @Test
  void aSaveProgramDirectoryIsUnportableAndSaysHowToSaveJson() {
    var cot = ChainOfThought.of("question -> answer");
    var before = cot.predict().state();
    assertThat(BAD.resolve("program_dir/program.pkl")).exists();
    assertThatThrownBy(() -> cot.load(BAD.resolve("program_dir")))
        .isInstanceOf(UnportableProgramException.class)
        .hasMessageContaining("save_program=True")
        .hasMessageContaining("program.save(\"program.json\")");
    assertThat(cot.predict().state()).isEqualTo(before);
  }

  @Test
  void aPickleStateIsUnportableAndSaysHowToSaveJson() throws IOException {
    var cot = ChainOfThought.of("question -> answer");
    assertThatThrownBy(() -> cot.load(BAD.resolve("state.pkl")))
        .isInstanceOf(UnportableProgramException.class)
        .hasMessageContaining("cloudpickle")
        .hasMessageContaining("program.save(\"program.json\")");
    // the same pickle bytes under a .json name are recognised too
    Path disguised = dir.resolve("state.json");
    Files.copy(BAD.resolve("state.pkl"), disguised);
    assertThatThrownBy(() -> cot.load(disguised)).isInstanceOf(UnportableProgramException.class);
  }

  @Test
  void flexStateIsUnportable() {
    var cot = ChainOfThought.of("question -> answer");
    assertThatThrownBy(() -> cot.load(BAD.resolve("flex.json")))
        .isInstanceOf(UnportableProgramException.class)
        .hasMessageContaining("Flex");
  }

  @Test
  void legacyExtendedSignatureIsRejectedAsDspyDoes() throws IOException {
    var rag = learnedRag();
    var before = states(rag);
    Path file = editedRag(json -> obj(json.get("rewrite")).put("extended_signature", Map.of()));
    assertThatThrownBy(() -> rag.load(file))
        .isInstanceOf(UnportableProgramException.class)
        .hasMessageContaining("extended_signature");
    assertUnchanged(rag, before);
  }

  @Test
  void missingMetadataIsMalformedAsInDspy() throws IOException {
    Path file = editedRag(json -> json.remove("metadata"));
    assertThatThrownBy(() -> learnedRag().load(file))
        .isInstanceOf(MalformedProgramFileException.class)
        .hasMessageContaining("dependency_versions");
  }

  @Test
  @SuppressWarnings("unchecked")
  void wrongTypesAreNamed() throws IOException {
    var rag = learnedRag();
    var before = states(rag);
    Path demos = editedRag(json -> obj(json.get("generate_answer.predict")).put("demos", "nope"));
    assertThatThrownBy(() -> rag.load(demos))
        .isInstanceOf(MalformedProgramFileException.class)
        .hasMessageContaining("'demos' of predictor 'generate_answer.predict' is not a list");
    Path noLm = editedRag(json -> obj(json.get("rewrite")).remove("lm"));
    assertThatThrownBy(() -> rag.load(noLm))
        .isInstanceOf(MalformedProgramFileException.class)
        .hasMessageContaining("no 'lm'");
    Path field =
        editedRag(
            json ->
                ((List<Object>) obj(obj(json.get("rewrite")).get("signature")).get("fields"))
                    .set(0, Map.of("prefix", 3)));
    assertThatThrownBy(() -> rag.load(field))
        .isInstanceOf(MalformedProgramFileException.class)
        .hasMessageContaining("field 1 ('question') of predictor 'rewrite'");
    Files.writeString(dir.resolve("array.json"), "[]");
    assertThatThrownBy(() -> rag.load(dir.resolve("array.json")))
        .isInstanceOf(MalformedProgramFileException.class)
        .hasMessageContaining("top level");
    assertUnchanged(rag, before);
  }

  @Test
  void unsafeLmKeysAreDroppedUnlessAllowed() {
    Predict p = Predict.of("question -> answer");
    p.load(Goldens.pythonSaved("lm_section"));
    assertThat(p.state().lm())
        .containsEntry("model", "openai/gpt-4o-mini")
        .containsEntry("temperature", 0.7)
        .doesNotContainKey("api_base");
    p.load(Goldens.pythonSaved("lm_section"), LoadOptions.DEFAULTS.withAllowUnsafeLmState(true));
    assertThat(p.state().lm()).containsEntry("api_base", "https://example.invalid/v1");
  }

  @Test
  void savePathsAndThreadsAreChecked() {
    var rag = new ProgramFixtures.Rag();
    assertThatThrownBy(() -> rag.save(dir.resolve("x.pkl")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(".json");
    assertThatThrownBy(() -> rag.load(dir.resolve("x.txt")))
        .isInstanceOf(java.io.UncheckedIOException.class);
    // save and load are blocking file I/O: refused on a non-blocking (event loop) thread
    Object onLoop =
        Mono.<Object>fromCallable(
                () -> {
                  rag.save(dir.resolve("x.json"));
                  return "saved";
                })
            .subscribeOn(Schedulers.parallel())
            .onErrorResume(e -> Mono.just(e))
            .block();
    assertThat(onLoop).isInstanceOf(IllegalStateException.class);
    assertThat(dir.resolve("x.json")).doesNotExist();
  }

  @Test
  void saveThenLoadRoundTripsThroughAFile() throws IOException {
    var rag = learnedRag();
    Path file = dir.resolve("sub/rag.json");
    rag.save(file);
    assertThat(Files.readString(file, StandardCharsets.UTF_8)).isEqualTo(ProgramFiles.text(rag));
    var fresh = new ProgramFixtures.Rag();
    fresh.load(file);
    assertThat(states(fresh)).isEqualTo(states(rag));
  }

  @Test
  @SuppressWarnings("unchecked")
  void aDemoValueOfNoneLoadsAsANullValue() throws Exception {
    var rag = new ProgramFixtures.Rag();
    Path nullDemo =
        editedRag(
            json ->
                ((List<Object>) obj(json.get("rewrite")).get("demos"))
                    .add(
                        new LinkedHashMap<>(java.util.Collections.singletonMap("question", null))));
    rag.load(nullDemo);
    var demos = rag.namedPredictors().get("rewrite").demos();
    assertThat(demos.get(demos.size() - 1).values()).containsEntry("question", null);
  }
}
