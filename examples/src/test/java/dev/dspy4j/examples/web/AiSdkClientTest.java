package dev.dspy4j.examples.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.examples.ExampleConfig;
import dev.dspy4j.examples.ExampleRuntime;
import dev.dspy4j.examples.programs.Web;
import dev.dspy4j.test.LocalGateway;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The {@code web} example's AI SDK endpoint ({@code POST /api/chat}) read by the Vercel AI SDK's
 * own client code in Node ({@code DefaultChatTransport} + {@code readUIMessageStream}, from {@code
 * ai} as pinned in {@code src/test/node/package-lock.json}) over real HTTP: AI SDK → relay →
 * ChainOfThought → LM → HTTP → local gateway.
 */
class AiSdkClientTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final ByteArrayOutputStream gatewayLog = new ByteArrayOutputStream();
  private LocalGateway gateway;
  private ExampleRuntime runtime;
  private StreamingWebServer server;

  @AfterEach
  void close() {
    if (server != null) server.close();
    if (runtime != null) runtime.close();
    if (gateway != null) gateway.close();
  }

  @AfterAll
  static void forgetTheLm() {
    dev.dspy4j.core.Dspy.reset();
  }

  private void serve(Duration tokenDelay) {
    NodeJs.requireInstalled();
    gateway =
        LocalGateway.builder()
            .log(new PrintStream(gatewayLog, true, StandardCharsets.UTF_8))
            .tokenDelay(tokenDelay)
            .start();
    var config =
        new ExampleConfig(
            Optional.empty(), ExampleConfig.DEFAULT_BASE_URL, ExampleConfig.DEFAULT_MODEL);
    runtime =
        ExampleRuntime.withGateway(
            config,
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            gateway);
    server = Web.serve(runtime);
  }

  private JsonNode ask(String question, String... more) throws Exception {
    var args =
        new java.util.ArrayList<>(
            java.util.List.of("--api", server.url() + "api/chat", "--question", question));
    args.addAll(java.util.List.of(more));
    NodeJs.Run run =
        NodeJs.run("ai-sdk-client.mjs", Duration.ofSeconds(90), args.toArray(String[]::new));
    assertThat(run.exitCode()).as("node exit code; stderr: %s", run.stderr()).isZero();
    return JSON.readTree(run.stdout());
  }

  @Test
  void theAiSdkReadsReasoningAndTextThatEqualThePrediction() throws Exception {
    serve(Duration.ofMillis(60)); // tokens trickle in, so the client sees the answer grow
    String question = "How many floors are in the castle David Gregory inherited?";

    JsonNode result = ask(question);

    assertThat(result.get("errors")).isEmpty();
    JsonNode prediction = result.get("prediction");
    assertThat(prediction.isObject()).as("the data-prediction part: %s", result).isTrue();
    assertThat(result.get("reasoning").asText())
        .isEqualTo(prediction.get("reasoning").asText())
        .startsWith("Let's think step by step.")
        .contains(question);
    assertThat(result.get("text").asText())
        .isEqualTo(prediction.get("answer").asText())
        .isEqualTo("A deterministic answer from the local gateway to \"" + question + "\".");
    // Chunks arrived before the answer was complete: the client saw partial texts of many lengths,
    // and its first text delta came well before the end of the stream.
    assertThat(result.get("partialReasoningLengths").asInt()).isGreaterThanOrEqualTo(3);
    assertThat(result.get("partialTextLengths").asInt()).isGreaterThanOrEqualTo(3);
    assertThat(result.get("finishMs").asLong() - result.get("firstTextDeltaMs").asLong())
        .isGreaterThan(200);
    assertThat(result.get("chunkTypes"))
        .extracting(JsonNode::asText)
        .startsWith("start", "start-step", "reasoning-start")
        .containsSubsequence(
            "reasoning-delta",
            "reasoning-end",
            "text-start",
            "text-delta",
            "text-end",
            "data-prediction",
            "finish-step",
            "finish");
    assertThat(gateway.requests()).hasSize(1);
    assertThat(gateway.requests().get(0).json().at("/messages/1/content").asText())
        .contains("[[ ## question ## ]]\n" + question);
    assertThat(gateway.cancelledStreams()).isZero();
  }

  @Test
  void abortingOnTheClientClosesTheLmRequestAtTheGateway() throws Exception {
    serve(Duration.ofMillis(150)); // seconds of reasoning: the abort lands mid-stream

    JsonNode result = ask("Will this request be closed?", "--abort-after-chars", "20");

    assertThat(result.get("aborted").asBoolean()).isTrue();
    assertThat(result.get("reasoningAtAbort").asText()).hasSizeGreaterThanOrEqualTo(20);
    assertThat(result.get("text").asText()).as("no answer arrived before the abort").isEmpty();
    assertThat(result.get("chunkTypes")).extracting(JsonNode::asText).doesNotContain("finish");
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (gateway.cancelledStreams() < 1 && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(gateway.cancelledStreams())
        .as("streams the gateway saw closed by the client")
        .isEqualTo(1);
    assertThat(gatewayLog.toString(StandardCharsets.UTF_8))
        .contains("stream closed by the client before [DONE]");
    assertThat(gateway.requests()).as("no retry after the abort").hasSize(1);
  }
}
