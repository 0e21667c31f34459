package dev.dspy4j.examples.programs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.core.Dspy;
import dev.dspy4j.core.cache.DefaultLmCache;
import dev.dspy4j.examples.ExampleConfig;
import dev.dspy4j.examples.ExampleRuntime;
import dev.dspy4j.test.LocalGateway;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The optimize example against the local gateway: scores before and after, a saved DSPy program.
 */
class OptimizeExampleTest {

  private LocalGateway gateway;

  @AfterEach
  void stop() {
    if (gateway != null) gateway.close();
    Dspy.reset();
  }

  @Test
  void evaluatesCompilesEvaluatesAgainAndSavesDspysJson() throws Exception {
    gateway =
        LocalGateway.builder()
            .log(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
            .start();
    Dspy.configureCache(DefaultLmCache.builder().build());
    var out = new ByteArrayOutputStream();
    var config =
        new ExampleConfig(
            Optional.empty(), ExampleConfig.DEFAULT_BASE_URL, ExampleConfig.DEFAULT_MODEL);
    int exit;
    try (var runtime =
        ExampleRuntime.withGateway(
            config, new PrintStream(out, true, StandardCharsets.UTF_8), gateway)) {
      exit = new Optimize().run(runtime);
    }
    String printed = out.toString(StandardCharsets.UTF_8);

    assertThat(exit).isZero();
    // The gateway echoes each question, so answers that are words of the question pass: 2 of 4 dev
    // examples.
    assertThat(printed)
        .contains("Before: 50.00% on 4 dev examples")
        .contains("After: 50.00% on 4 dev examples")
        .contains("Compiled: 4 demos (2 bootstrapped from passing runs)");
    Matcher saved = Pattern.compile("Saved the compiled program to (\\S+)").matcher(printed);
    assertThat(saved.find()).isTrue();
    JsonNode program = new ObjectMapper().readTree(Path.of(saved.group(1)).toFile());
    JsonNode demos = program.at("/generate_answer.predict/demos");
    assertThat(demos.size()).isEqualTo(4);
    assertThat(demos.get(0).get("augmented").asBoolean()).isTrue();
    assertThat(demos.get(0).get("question").asText()).isEqualTo("Which is larger, 7 or 12?");
    assertThat(demos.get(0).has("reasoning")).isTrue();
    assertThat(program.at("/metadata/dependency_versions").isObject()).isTrue();
  }
}
