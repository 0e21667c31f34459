package dev.dspy4j.examples.programs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.core.Dspy;
import dev.dspy4j.core.cache.DefaultLmCache;
import dev.dspy4j.examples.ExampleConfig;
import dev.dspy4j.examples.ExampleRuntime;
import dev.dspy4j.test.LocalGateway;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The react example offline: the local gateway plays an agent that calls both Java tools and
 * finishes.
 */
class ReActAgentExampleTest {

  private LocalGateway gateway;

  @AfterEach
  void stop() {
    if (gateway != null) gateway.close();
    Dspy.reset();
  }

  @Test
  void theAgentCallsBothToolsStreamsEachCallAndAnswers() throws Exception {
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
      exit = new ReActAgent().run(runtime);
    }
    String printed = out.toString(StandardCharsets.UTF_8);

    assertThat(exit).as(printed).isZero();
    assertThat(printed)
        .containsSubsequence(
            "Calling tool population with {\"city\": \"Paris\"}",
            "Tool population returned: 2102650",
            "Calling tool area_km2 with {\"city\": \"Paris\"}",
            "Tool area_km2 returned: 105.4",
            "Calling tool finish with {}",
            "Tool finish returned: Completed.",
            "Answer: A deterministic answer from the local gateway to \""
                + ReActAgent.QUESTION
                + "\".",
            "Trajectory keys: [thought_0, tool_name_0, tool_args_0, observation_0, thought_1");
    // Three ReAct steps and the extract step, each under its own session path segment.
    assertThat(gateway.requests())
        .extracting(r -> r.header("Helicone-Session-Path").orElse("none"))
        .containsExactly("/agents/react", "/agents/react", "/agents/react", "/agents/extract");
    assertThat(gateway.requests())
        .extracting(r -> r.header("Helicone-Session-Id").isPresent())
        .containsOnly(true);
  }
}
