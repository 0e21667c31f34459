package dev.dspy4j.examples.programs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.core.Dspy;
import dev.dspy4j.core.cache.DefaultLmCache;
import dev.dspy4j.examples.ExampleConfig;
import dev.dspy4j.examples.ExampleRuntime;
import dev.dspy4j.examples.Examples;
import dev.dspy4j.test.LocalGateway;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The load-program example runs the Python-optimized program against the embedded local gateway.
 */
class LoadProgramExampleTest {

  private final ByteArrayOutputStream gatewayLog = new ByteArrayOutputStream();
  private final LocalGateway gateway =
      LocalGateway.builder().log(new PrintStream(gatewayLog, true, StandardCharsets.UTF_8)).start();

  @AfterEach
  void stop() {
    gateway.close();
    Dspy.reset();
  }

  @Test
  void loadsThePythonFileAndSendsItsDemosAndInstructions() throws Exception {
    assertThat(Examples.named("load-program")).isPresent();
    Dspy.configureCache(DefaultLmCache.builder().build());
    var out = new ByteArrayOutputStream();
    var config =
        new ExampleConfig(
            Optional.empty(), ExampleConfig.DEFAULT_BASE_URL, ExampleConfig.DEFAULT_MODEL);
    int exit;
    try (var runtime =
        ExampleRuntime.withGateway(
            config, new PrintStream(out, true, StandardCharsets.UTF_8), gateway)) {
      exit = new LoadProgram().run(runtime);
    }
    String printed = out.toString(StandardCharsets.UTF_8);
    assertThat(exit).as(printed).isZero();
    assertThat(printed)
        .contains("Loaded rewrite: 3 demos")
        .contains("Loaded generate_answer.predict: 3 demos")
        .containsPattern("(?m)^Answer: .+")
        .containsPattern("(?m)^Reasoning: .+");
    assertThat(gateway.requests()).hasSize(2);
    // the rewrite step shows the two bootstrapped demos as user/assistant pairs (the raw demo
    // without
    // a query is left out, as DSPy does)
    var rewrite = gateway.requests().get(0).json().get("messages");
    assertThat(rewrite).hasSize(6);
    assertThat(rewrite.get(2).get("content").asText()).contains("[[ ## query ## ]]\n1+1");
    // the answer step shows the bootstrapped reasoning
    var answer = gateway.requests().get(1).json().get("messages").toString();
    assertThat(answer)
        .contains("Add 1 and 1.")
        .contains("Add 2 and 2.")
        .contains(LoadProgram.QUESTION);
  }
}
