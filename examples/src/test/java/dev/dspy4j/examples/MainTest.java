package dev.dspy4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MainTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return Main.run(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8),
        () ->
            new ExampleConfig(
                Optional.empty(), ExampleConfig.DEFAULT_BASE_URL, ExampleConfig.DEFAULT_MODEL));
  }

  @Test
  void withoutArgumentsItListsEveryExampleWithItsSummary() {
    assertThat(run()).isZero();
    String listing = out.toString(StandardCharsets.UTF_8);
    assertThat(Examples.all()).isNotEmpty();
    for (Example e : Examples.all()) {
      assertThat(listing).contains("  " + e.name() + " ").contains(e.summary());
    }
    assertThat(listing).contains("HELICONE_API_KEY");
  }

  @Test
  void anUnknownExampleIsAClearErrorWithExitCode2() {
    assertThat(run("no-such-example")).isEqualTo(Main.USAGE);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("Unknown example 'no-such-example'")
        .contains("gateway");
    assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void theGatewayExampleTakesAPortAndRejectsABadOne() {
    assertThat(run("gateway", "--port", "eighty")).isEqualTo(2);
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("--port needs a number (got 'eighty')")
        .contains("usage: [--port N");
  }

  @Test
  void anExampleWithoutOptionsNamesTheArgumentsItDoesNotTake() {
    assertThat(run("hello", "--port", "8080")).isEqualTo(Main.USAGE);
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("'hello' takes no arguments (got --port 8080)");
  }

  @Test
  void examplesHaveUniqueNames() {
    assertThat(Examples.all().stream().map(Example::name)).doesNotHaveDuplicates();
    assertThat(Examples.named("gateway")).isPresent();
  }

  @Test
  void withoutAKeyAnLmExampleGetsTheLocalGatewayAndWithAKeyTheConfiguredOne() {
    var print = new PrintStream(out, true, StandardCharsets.UTF_8);
    var local = ExampleConfig.load(Map.of(), java.nio.file.Path.of("does-not-exist"));
    try (var runtime = ExampleRuntime.start(local, print)) {
      assertThat(runtime.localGateway()).isPresent();
      assertThat(runtime.apiBase()).startsWith("http://127.0.0.1:").endsWith("/v1");
      assertThat(runtime.apiKey()).isEqualTo(ExampleRuntime.LOCAL_API_KEY);
    }
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("LOCAL GATEWAY");

    var remote =
        ExampleConfig.load(
            Map.of("HELICONE_API_KEY", "sk-helicone-1"), java.nio.file.Path.of("does-not-exist"));
    try (var runtime = ExampleRuntime.start(remote, print)) {
      assertThat(runtime.localGateway()).isEmpty();
      assertThat(runtime.apiBase()).isEqualTo("https://ai-gateway.helicone.ai/v1");
      assertThat(runtime.apiKey()).isEqualTo("sk-helicone-1");
      assertThat(runtime.toString()).doesNotContain("sk-helicone-1");
    }
  }
}
