package dev.dspy4j.examples.programs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.core.Dspy;
import dev.dspy4j.core.cache.DefaultLmCache;
import dev.dspy4j.examples.Example;
import dev.dspy4j.examples.ExampleConfig;
import dev.dspy4j.examples.ExampleRuntime;
import dev.dspy4j.test.LocalGateway;
import dev.dspy4j.test.RecordedRequest;
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
    gateway =
        LocalGateway.builder()
            .log(new PrintStream(gatewayLog, true, StandardCharsets.UTF_8))
            .start();
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
    return run(example, gateway);
  }

  private String run(Example example, LocalGateway gateway) throws Exception {
    var config =
        new ExampleConfig(
            Optional.empty(), ExampleConfig.DEFAULT_BASE_URL, ExampleConfig.DEFAULT_MODEL);
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

  /** The top-level fields of the request's JSON body, in any order. */
  private static List<String> bodyFields(RecordedRequest request) {
    var names = new java.util.ArrayList<String>();
    request.json().fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static final Map<String, String> PAGE_CUSTOM_PROPERTY_HEADERS =
      Map.of(
          "Helicone-Session-Id", "dspy-example-session",
          "Helicone-Session-Name", "Question Answering",
          "Helicone-User-Id", "user-123",
          "Helicone-Property-Environment", "production",
          "Helicone-Property-Module", "chain-of-thought",
          "Helicone-Property-Version", "1.0.0");

  @Test
  void helloPrintsTheLmsReplyToHelloWorld() throws Exception {
    String printed = run(new Hello());
    assertThat(printed).contains("You said: \"Hello, world!\"");
    var request = onlyRequest();
    assertAuthorizedChatCompletion(request);
    assertThat(request.json().at("/messages/0/content").asText()).isEqualTo("Hello, world!");
    assertThat(bodyFields(request)).containsExactlyInAnyOrder("model", "messages");
    assertThat(request.heliconeHeaders()).isEmpty();
  }

  @Test
  void basicCotPrintsAnswerAndReasoning() throws Exception {
    String printed = run(new BasicCot());
    assertThat(printed)
        .containsPattern(
            "(?m)^Answer: A deterministic answer from the local gateway to \""
                + java.util.regex.Pattern.quote(BasicCot.QUESTION)
                + "\"\\.$")
        .containsPattern("(?m)^Reasoning: Let's think step by step\\.");
    var request = onlyRequest();
    assertAuthorizedChatCompletion(request);
    assertThat(request.heliconeHeaders()).isEmpty();
    assertThat(request.json().at("/messages/1/content").asText())
        .contains("[[ ## question ## ]]\n" + BasicCot.QUESTION);
    assertThat(bodyFields(request)).containsExactlyInAnyOrder("model", "messages");
  }

  @Test
  void generationConfigSendsTemperatureAndMaxTokens() throws Exception {
    String printed = run(new GenerationConfig());
    assertThat(printed)
        .contains(
            "A deterministic creative answer from the local gateway to \"Write a creative story about AI\"");
    assertThat(printed)
        .contains("Sending temperature=0.9, max_tokens=2000 with every request of gpt-4o-mini");
    var request = onlyRequest();
    var body = request.json();
    assertThat(body.get("temperature").asDouble()).isEqualTo(0.9);
    assertThat(body.get("max_tokens").asInt()).isEqualTo(2000);
    assertThat(bodyFields(request))
        .containsExactlyInAnyOrder("model", "messages", "temperature", "max_tokens");
    assertThat(body.at("/messages/1/content").asText()).contains("[[ ## creative_answer ## ]]");
  }

  @Test
  void customPropertiesSendsThePagesHeadersFromTheLmAndFromTheReactorContext() throws Exception {
    String printed = run(new CustomProperties());
    assertThat(printed)
        .contains(
            "A deterministic answer from the local gateway to \""
                + CustomProperties.QUESTION
                + "\"")
        .contains(
            "A deterministic answer from the local gateway to \""
                + CustomProperties.CONTEXT_QUESTION
                + "\"");
    assertThat(printed.indexOf("Request 1: the six headers as LM defaults"))
        .isNotNegative()
        .isLessThan(printed.indexOf("Request 2: the same six, typed, in the Reactor Context"));
    List<RecordedRequest> requests = gateway.requests();
    assertThat(requests).hasSize(2);
    assertThat(requests.get(0).json().at("/messages/1/content").asText())
        .contains(CustomProperties.QUESTION);
    assertThat(requests.get(1).json().at("/messages/1/content").asText())
        .contains(CustomProperties.CONTEXT_QUESTION);
    assertThat(requests)
        .allSatisfy(
            r -> {
              assertThat(r.heliconeHeaders())
                  .containsExactlyInAnyOrderEntriesOf(PAGE_CUSTOM_PROPERTY_HEADERS);
              assertThat(bodyFields(r)).containsExactlyInAnyOrder("model", "messages");
            });
    assertThat(gatewayLog.toString(StandardCharsets.UTF_8)).contains("Helicone-User-Id: user-123");
  }

  @Test
  void promptsPutsThePromptFieldsBesideModelAndMessages() throws Exception {
    run(new Prompts());
    var request = onlyRequest();
    var body = request.json();
    assertThat(bodyFields(request))
        .containsExactlyInAnyOrder(
            "model", "messages", "prompt_id", "version_id", "environment", "inputs");
    assertThat(body.get("inputs").size()).isEqualTo(2);
    assertThat(body.get("prompt_id").asText()).isEqualTo("customer-support-prompt-id");
    assertThat(body.get("version_id").asText()).isEqualTo("version-uuid");
    assertThat(body.get("environment").asText()).isEqualTo("production");
    assertThat(body.at("/inputs/customer_name").asText()).isEqualTo("Sarah");
    assertThat(body.at("/inputs/issue_type").asText()).isEqualTo("technical");
    assertThat(body.get("model").asText()).isEqualTo("gpt-4o-mini");
  }

  @Test
  void rateLimitSendsAPolicyTheGatewayParsesAndExplainsThePagesMistake() throws Exception {
    String printed = run(new RateLimit());
    assertThat(printed)
        .contains(
            "'Helicone-Rate-Limit-Policy' is not a Helicone header; did you mean 'Helicone-RateLimit-Policy'?")
        .contains("'basic-100' is not a policy")
        .contains("Sending Helicone-RateLimit-Policy: 100;w=3600;u=request");
    var request = onlyRequest();
    assertThat(request.heliconeHeaders())
        .containsOnly(Map.entry("Helicone-RateLimit-Policy", "100;w=3600;u=request"));
    assertThat(bodyFields(request)).containsExactlyInAnyOrder("model", "messages");
    String log = gatewayLog.toString(StandardCharsets.UTF_8);
    assertThat(log)
        .contains("Helicone-RateLimit-Policy: 100;w=3600;u=request")
        .doesNotContain("NOTE:");
  }

  @Test
  void cachingAnswersTheSecondCallFromTheClientCache() throws Exception {
    String printed = run(new Caching());
    assertThat(printed)
        .containsPattern("(?m)^First: .*\\(from the LM\\)$")
        .containsPattern("(?m)^Second: .*\\(from the cache\\)$");
    assertThat(gateway.requests()).as("the second call never reached the gateway").hasSize(1);
    assertThat(bodyFields(gateway.requests().get(0)))
        .containsExactlyInAnyOrder("model", "messages");
  }

  @Test
  void sessionsSendsThreeTurnsInOneUuidSession() throws Exception {
    String printed = run(new Sessions());
    assertThat(printed)
        .contains("What is your return policy? -> ")
        .contains("Do you ship internationally? -> ");
    assertThat(printed)
        .doesNotContain("view the conversation in Helicone")
        .contains("the local gateway received its three requests with these session headers");
    List<RecordedRequest> requests = gateway.requests();
    assertThat(requests).hasSize(3);
    String sessionId = requests.get(0).header("Helicone-Session-Id").orElseThrow();
    assertThat(UUID.fromString(sessionId).version()).isEqualTo(4);
    assertThat(requests)
        .allSatisfy(
            r ->
                assertThat(r.heliconeHeaders())
                    .containsOnly(
                        Map.entry("Helicone-Session-Id", sessionId),
                        Map.entry("Helicone-Session-Name", "Customer Support"),
                        Map.entry("Helicone-Session-Path", "/support/chat")));
    assertThat(requests.get(2).json().at("/messages/1/content").asText())
        .contains("Do you ship internationally?");
  }

  @Test
  void streamingPrintsReasoningThenAnswerFromAStreamedRequest() throws Exception {
    String printed = run(new Streaming());
    assertThat(printed.indexOf("\nreasoning: Let's think")).isNotNegative();
    assertThat(printed.indexOf("\nanswer: A deterministic answer"))
        .isGreaterThan(printed.indexOf("\nreasoning: "));
    assertThat(printed)
        .doesNotContain("[[ ##")
        .doesNotContain("Done: [")
        .containsPattern("Stream complete: reasoning and answer arrived in full \\(\\d+ tokens\\)");
    var request = onlyRequest();
    assertThat(request.json().get("stream").asBoolean()).isTrue();
    assertThat(bodyFields(request))
        .containsExactlyInAnyOrder("model", "messages", "stream", "stream_options");
  }

  @Test
  void batchAnswersEveryQuestionWithBoundedConcurrencyAndAProgressBar() throws Exception {
    // A gateway as slow as the example asks for, so that calls overlap and the bound matters.
    try (var slow =
        LocalGateway.builder()
            .log(new PrintStream(gatewayLog, true, StandardCharsets.UTF_8))
            .tokenDelay(new BatchPipeline().localTokenDelay())
            .start()) {
      String printed = run(new BatchPipeline(), slow);

      int n = BatchPipeline.QUESTIONS;
      assertThat(printed)
          .contains("\r[" + "#".repeat(30) + "] " + n + "/" + n + " 0 in flight ")
          .containsPattern("\\d+\\.\\d/s")
          .contains(" ETA ")
          .contains(n + " answers in ")
          .contains(
              "What is 1 squared? -> A deterministic answer from the local gateway to \"What is 1 squared?\".")
          .contains(
              "What is "
                  + n
                  + " squared? -> A deterministic answer from the local gateway to \"What is "
                  + n
                  + " squared?\".");
      assertThat(slow.requests()).hasSize(n);
      assertThat(slow.requests())
          .extracting(r -> r.json().at("/messages/1/content").asText())
          .allSatisfy(content -> assertThat(content).containsPattern("What is \\d+ squared\\?"));
      // The bound is the batch's own count of calls in flight, which the example prints. The
      // gateway counts a call until its response write has completed, which the client may see
      // only after it has read the last bytes and started its next call: its count may exceed
      // the bound by calls that are finished for the client, so it only shows that calls overlap.
      var peak = java.util.regex.Pattern.compile("at most (\\d+) calls in flight").matcher(printed);
      assertThat(peak.find()).as("the example prints its peak in flight").isTrue();
      assertThat(Integer.parseInt(peak.group(1)))
          .as("calls in flight overlapped, never more than the bound")
          .isBetween(2, BatchPipeline.CONCURRENCY);
      assertThat(slow.peakConcurrentRequests())
          .as("the gateway saw calls overlap")
          .isGreaterThan(1);
    }
  }
}
