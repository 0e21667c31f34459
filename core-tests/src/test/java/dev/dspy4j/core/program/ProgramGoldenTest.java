package dev.dspy4j.core.program;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.core.predict.Module;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Files Python DSPy saved load into the dspy4j twin of each program: the same named predictors, the
 * same prompts DSPy sends after loading the file, and dspy4j's save writes DSPy's file again.
 */
class ProgramGoldenTest {

  static Stream<String> programs() {
    return ProgramFixtures.PROGRAMS.keySet().stream();
  }

  @ParameterizedTest
  @MethodSource("programs")
  void namedPredictorsAreDspys(String name) {
    var expected = Goldens.json(Goldens.ROOT.resolve("python-saved/" + name + ".expected.json"));
    Module program = ProgramFixtures.PROGRAMS.get(name).get();
    assertThat(List.copyOf(program.namedPredictors().keySet())).isEqualTo(Goldens.names(expected));
  }

  @ParameterizedTest
  @MethodSource("programs")
  void loadedProgramSendsDspysPrompts(String name) {
    var expected = Goldens.json(Goldens.ROOT.resolve("python-saved/" + name + ".expected.json"));
    Module program = ProgramFixtures.PROGRAMS.get(name).get();
    program.load(Goldens.pythonSaved(name));
    for (var call : Goldens.calls(expected)) {
      assertThat(GoldenMessages.messages(program, call)).isEqualTo(call.messages());
    }
  }

  @ParameterizedTest
  @MethodSource("programs")
  void saveOfALoadedFileWritesWhatDspyWrites(String name) {
    Module program = ProgramFixtures.PROGRAMS.get(name).get();
    program.load(Goldens.pythonSaved(name));
    // DSPy's own load-then-save: byte for byte (it equals the original file except where DSPy's
    // load
    // drops unsafe LM keys, as in lm_section)
    assertThat(ProgramFiles.text(program))
        .isEqualTo(Goldens.text(Goldens.ROOT.resolve("python-saved/" + name + ".resaved.json")));
  }

  @ParameterizedTest
  @MethodSource("programs")
  void withoutTheLoadThePromptsDiffer(String name) {
    if (name.equals("lm_section")) return; // its file changes only the LM section, not the prompt
    var expected = Goldens.json(Goldens.ROOT.resolve("python-saved/" + name + ".expected.json"));
    Module fresh = ProgramFixtures.PROGRAMS.get(name).get();
    var call = Goldens.calls(expected).get(0);
    assertThat(GoldenMessages.messages(fresh, call)).isNotEqualTo(call.messages());
  }
}
