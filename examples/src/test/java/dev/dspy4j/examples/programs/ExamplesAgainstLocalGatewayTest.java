package dev.dspy4j.examples.programs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.core.Dspy;
import dev.dspy4j.core.cache.DefaultLmCache;
import dev.dspy4j.examples.Example;
import dev.dspy4j.examples.ExampleConfig;
import dev.dspy4j.examples.ExampleRuntime;
import dev.dspy4j.examples.gateway.LocalGateway;
import dev.dspy4j.examples.gateway.RecordedRequest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every example runs against the embedded local gateway (exit 0, expected output), and the requests
 * the gateway received carry exactly the headers and body fields the Helicone DSPy page shows.
 */
class ExamplesAgainstLocalGatewayTest {

  private static LocalGateway gateway;
  private static final ByteArrayOutputStream gatewayLog = new ByteArrayOutputStream();
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  @BeforeAll
  static void startGateway() {
    gateway = LocalGateway.builder().log(new PrintStream(gatewayLog, true, StandardCharsets.UTF_8)).start();
  }

  @AfterAll
  static void stopGateway() {
    gateway.close();
    Dspy.reset();
  }

  @BeforeEach
  void freshState() {
    gateway.reset();
    Dspy.configureCache(DefaultLmCache.builder().build());
  }

  private String run(Example example) throws Exception {
    var config = new ExampleConfig(Optional.empty(), ExampleConfig.DEFAULT_BASE_URL, ExampleConfig.DEFAULT_MODEL);
    var print = new PrintStream(out, true, StandardCharsets.UTF_8);
    int exit;
    try (var runtime = ExampleRuntime.withGateway(config, print, gateway)) {
      exit = example.run(runtime);
    }
    String printed = out.toString(StandardCharsets.UTF_8);
    assertThat(exit).as("exit code of %s; it printed:%n%s", example.name(), printed).isZero();
    return printed;
  }

  private static RecordedRequest onlyRequest() {
    assertThat(gateway.requests()).hasSize(1);
    return gateway.requests().get(0);
  }

  private static void assertAuthorizedChatCompletion(RecordedRequest request) {
    assertThat(request.path()).isEqualTo("/v1/chat/completions");
    assertThat(request.header("Authorization")).hasValue("Bearer " + ExampleRuntime.LOCAL_API_KEY);
    assertThat(request.json().get("model").asText()).isEqualTo("gpt-4o-mini");
  }

  @Test
  void helloPrintsTheLmsReplyToHelloWorld() throws Exception {
    String printed = run(new Hello());
    assertThat(printed).contains("You said: \"Hello, world!\"");
    var request = onlyRequest();
    assertAuthorizedChatCompletion(request);
    assertThat(request.json().at("/messages/0/content").asText()).isEqualTo("Hello, world!");
  }

  @Test
  void basicCotPrintsAnswerAndReasoning() throws Exception {
    String printed = run(new BasicCot());
    assertThat(printed)
        .containsPattern("(?m)^Answer: A deterministic answer from the local gateway to \"" + java.util.regex.Pattern.quote(BasicCot.QUESTION) + "\"\\.$")
        .containsPattern("(?m)^Reasoning: Let's think step by step\\.");
    var request = onlyRequest();
    assertAuthorizedChatCompletion(request);
    assertThat(request.heliconeHeaders()).isEmpty();
    assertThat(request.json().at("/messages/1/content").asText()).contains("[[ ## question ## ]]\n" + BasicCot.QUESTION);
  }

  @Test
  void generationConfigSendsTemperatureAndMaxTokens() throws Exception {
    String printed = run(new GenerationConfig());
    assertThat(printed).contains("A deterministic creative answer from the local gateway to \"Write a creative story about AI\"");
    var body = onlyRequest().json();
    assertThat(body.get("temperature").asDouble()).isEqualTo(0.9);
    assertThat(body.get("max_tokens").asInt()).isEqualTo(2000);
  }

  @Test
  void customPropertiesSendsThePagesSessionUserAndPropertyHeaders() throws Exception {
    run(new CustomProperties());
    assertThat(onlyRequest().heliconeHeaders())
        .containsOnly(
            Map.entry("Helicone-Session-Id", "dspy-example-session"),
            Map.entry("Helicone-Session-Name", "Question Answering"),
            Map.entry("Helicone-User-Id", "user-123"),
            Map.entry("Helicone-Property-Environment", "production"),
            Map.entry("Helicone-Property-Module", "chain-of-thought"),
            Map.entry("Helicone-Property-Version", "1.0.0"));
    assertThat(gatewayLog.toString(StandardCharsets.UTF_8)).contains("Helicone-User-Id: user-123");
  }

  @Test
  void promptsPutsThePromptFieldsBesideModelAndMessages() throws Exception {
    run(new Prompts());
    var body = onlyRequest().json();
    assertThat(body.get("prompt_id").asText()).isEqualTo("customer-support-prompt-id");
    assertThat(body.get("version_id").asText()).isEqualTo("version-uuid");
    assertThat(body.get("environment").asText()).isEqualTo("production");
    assertThat(body.at("/inputs/customer_name").asText()).isEqualTo("Sarah");
    assertThat(body.at("/inputs/issue_type").asText()).isEqualTo("technical");
    assertThat(body.get("model").asText()).isEqualTo("gpt-4o-mini");
  }

  @Test
  void rateLimitSendsAPolicyTheGatewayParses() throws Exception {
    String printed = run(new RateLimit());
    assertThat(printed).contains("Helicone-RateLimit-Policy: 100;w=3600;u=request");
    var request = onlyRequest();
    assertThat(request.heliconeHeaders()).containsOnly(Map.entry("Helicone-RateLimit-Policy", "100;w=3600;u=request"));
    assertThat(gatewayLog.toString(StandardCharsets.UTF_8)).doesNotContain("does not parse");
  }

  @Test
  void cachingAnswersTheSecondCallFromTheClientCache() throws Exception {
    String printed = run(new Caching());
    assertThat(printed).contains("(from the LM)").contains("Second: ").contains("(from the cache)");
    assertThat(gateway.requests()).hasSize(1);
  }

  @Test
  void sessionsSendsThreeTurnsInOneUuidSession() throws Exception {
    String printed = run(new Sessions());
    assertThat(printed).contains("What is your return policy? -> ").contains("Do you ship internationally? -> ");
    List<RecordedRequest> requests = gateway.requests();
    assertThat(requests).hasSize(3);
    String sessionId = requests.get(0).header("Helicone-Session-Id").orElseThrow();
    assertThat(UUID.fromString(sessionId).version()).isEqualTo(4);
    assertThat(requests).allSatisfy(r -> assertThat(r.heliconeHeaders()).containsOnly(
        Map.entry("Helicone-Session-Id", sessionId),
        Map.entry("Helicone-Session-Name", "Customer Support"),
        Map.entry("Helicone-Session-Path", "/support/chat")));
    assertThat(requests.get(2).json().at("/messages/1/content").asText()).contains("Do you ship internationally?");
  }

  @Test
  void streamingPrintsReasoningThenAnswerFromAStreamedRequest() throws Exception {
    String printed = run(new Streaming());
    assertThat(printed.indexOf("\nreasoning: Let's think")).isNotNegative();
    assertThat(printed.indexOf("\nanswer: A deterministic answer")).isGreaterThan(printed.indexOf("\nreasoning: "));
    assertThat(printed).doesNotContain("[[ ##");
    assertThat(onlyRequest().json().get("stream").asBoolean()).isTrue();
  }

  @Test
  void batchAnswersEveryQuestion() throws Exception {
    String printed = run(new Batch());
    assertThat(printed).contains(Batch.QUESTIONS + "/" + Batch.QUESTIONS).contains(Batch.QUESTIONS + " answers");
    assertThat(gateway.requests()).hasSize(Batch.QUESTIONS);
  }
}
