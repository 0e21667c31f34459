package dev.dspy4j.test;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The local gateway over real HTTP on loopback. */
class LocalGatewayTest {

  private static final String QUESTION =
      "How many floors are in the castle David Gregory inherited?";

  private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private LocalGateway gateway;

  private LocalGateway start(Duration tokenDelay) {
    gateway =
        LocalGateway.builder()
            .log(new PrintStream(printed, true, StandardCharsets.UTF_8))
            .tokenDelay(tokenDelay)
            .start();
    return gateway;
  }

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  private HttpResponse<String> post(String body, String... headers) throws Exception {
    var request =
        HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/chat/completions"))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  private static JsonNode json(String text) throws Exception {
    return DspyPrompts.JSON.readTree(text);
  }

  private static String cotBody(boolean stream) {
    return DspyPrompts.chatBody(
        "gpt-4o-mini",
        stream,
        DspyPrompts.messages(DspyPrompts.COT_SYSTEM, DspyPrompts.cotUser(QUESTION)));
  }

  /** The data payloads of an SSE body, in order. */
  private static List<String> dataEvents(String body) {
    var data = new ArrayList<String>();
    for (String event : body.split("\n\n")) {
      if (!event.isBlank()) {
        assertThat(event).startsWith("data: ");
        data.add(event.substring("data: ".length()));
      }
    }
    return data;
  }

  @Test
  void answersADspyChainOfThoughtPromptInJsonWithHeliconeLikeHeaders() throws Exception {
    start(Duration.ZERO);
    var response = post(cotBody(false), "Authorization", "Bearer sk-helicone-test-123");

    assertThat(response.statusCode()).isEqualTo(200);
    var completion = json(response.body());
    assertThat(completion.get("object").asText()).isEqualTo("chat.completion");
    assertThat(completion.get("model").asText()).isEqualTo("gpt-4o-mini");
    var choice = completion.get("choices").get(0);
    assertThat(choice.get("finish_reason").asText()).isEqualTo("stop");
    assertThat(choice.get("message").get("role").asText()).isEqualTo("assistant");
    assertThat(choice.get("message").get("content").asText())
        .startsWith("[[ ## reasoning ## ]]\n")
        .contains("[[ ## answer ## ]]\n")
        .contains(QUESTION)
        .endsWith("[[ ## completed ## ]]");
    assertThat(completion.get("usage").get("completion_tokens").asInt()).isPositive();
    assertThat(UUID.fromString(response.headers().firstValue("Helicone-Id").orElseThrow()))
        .isNotNull();
    assertThat(response.headers().firstValue("Helicone-Cache")).hasValue("MISS");
    assertThat(response.headers().firstValue(LocalGateway.LOCAL_HEADER)).hasValue("true");
  }

  @Test
  void streamsARoleChunkContentChunksAUsageChunkAndDone() throws Exception {
    start(Duration.ZERO);
    String expected = json(post(cotBody(false)).body()).at("/choices/0/message/content").asText();

    var response = post(cotBody(true));

    assertThat(response.headers().firstValue("Content-Type").orElseThrow())
        .startsWith("text/event-stream");
    List<String> data = dataEvents(response.body());
    assertThat(data.get(data.size() - 1)).isEqualTo("[DONE]");
    var usageChunk = json(data.get(data.size() - 2));
    assertThat(usageChunk.get("choices")).isEmpty();
    assertThat(usageChunk.get("usage").get("total_tokens").asInt()).isPositive();
    var first = json(data.get(0));
    assertThat(first.at("/choices/0/delta/role").asText()).isEqualTo("assistant");
    assertThat(json(data.get(data.size() - 3)).at("/choices/0/finish_reason").asText())
        .isEqualTo("stop");

    var text = new StringBuilder();
    var pieces = new ArrayList<String>();
    for (String d : data.subList(0, data.size() - 2)) {
      var chunk = json(d);
      assertThat(chunk.get("object").asText()).isEqualTo("chat.completion.chunk");
      String piece = chunk.at("/choices/0/delta/content").asText("");
      pieces.add(piece);
      text.append(piece);
    }
    assertThat(text.toString()).isEqualTo(expected);
    // markers arrive split over several chunks, as from a real model
    assertThat(pieces).contains("[[", " ##", " answer", " ]]");
  }

  @Test
  void answersAPlainPromptWithPlainText() throws Exception {
    start(Duration.ZERO);
    var messages = DspyPrompts.JSON.createArrayNode();
    messages.addObject().put("role", "user").put("content", "Hello, world!");
    var response = post(DspyPrompts.chatBody("gpt-4o-mini", false, messages));
    assertThat(json(response.body()).at("/choices/0/message/content").asText())
        .contains("Hello, world!")
        .doesNotContain("[[ ##");
  }

  @Test
  void recordsEveryRequestAndPrintsItsHeliconeHeadersWithCredentialsMasked() throws Exception {
    start(Duration.ZERO);
    var body =
        DspyPrompts.JSON
            .createObjectNode()
            .put("model", "gpt-4o-mini")
            .put("prompt_id", "customer-support-prompt-id");
    body.set(
        "messages", DspyPrompts.messages(DspyPrompts.COT_SYSTEM, DspyPrompts.cotUser(QUESTION)));
    body.putObject("inputs").put("customer_name", "Sarah");

    post(
        body.toString(),
        "Authorization",
        "Bearer sk-helicone-secret-42",
        "Helicone-Session-Id",
        "dspy-example-session",
        "Helicone-Session-Name",
        "Question Answering",
        "Helicone-User-Id",
        "user-123",
        "Helicone-Property-Environment",
        "production");

    assertThat(gateway.requests()).hasSize(1);
    RecordedRequest recorded = gateway.requests().get(0);
    assertThat(recorded.method()).isEqualTo("POST");
    assertThat(recorded.path()).isEqualTo("/v1/chat/completions");
    assertThat(recorded.header("authorization")).hasValue("Bearer sk-helicone-secret-42");
    assertThat(recorded.heliconeHeaders())
        .containsEntry("Helicone-Session-Id", "dspy-example-session")
        .containsEntry("Helicone-Session-Name", "Question Answering")
        .containsEntry("Helicone-User-Id", "user-123")
        .containsEntry("Helicone-Property-Environment", "production")
        .hasSize(4);
    assertThat(recorded.json().get("prompt_id").asText()).isEqualTo("customer-support-prompt-id");
    assertThat(recorded.json().at("/inputs/customer_name").asText()).isEqualTo("Sarah");
    assertThat(recorded.toString()).doesNotContain("secret-42");

    String log = printed.toString(StandardCharsets.UTF_8);
    assertThat(log.lines()).hasSize(1);
    assertThat(log)
        .startsWith("[local gateway] #1 POST /v1/chat/completions model=gpt-4o-mini")
        .contains("Authorization: Bearer ****")
        .contains("Helicone-Session-Id: dspy-example-session")
        .contains("Helicone-User-Id: user-123")
        .contains("Helicone-Property-Environment: production")
        .contains("prompt_id=\"customer-support-prompt-id\"")
        .doesNotContain("secret-42");
  }

  @Test
  void aTokenDelaySpreadsTheStreamOut() throws Exception {
    start(Duration.ofMillis(50));
    long started = System.nanoTime();
    var response = post(cotBody(true));
    long elapsedMillis = (System.nanoTime() - started) / 1_000_000;
    int chunks = dataEvents(response.body()).size() - 2;
    // a lower bound only: a loaded machine may be slower, never faster
    assertThat(elapsedMillis).isGreaterThanOrEqualTo(chunks * 50L - 50);
  }

  @Test
  void aTokenDelayAlsoHoldsBackAJsonAnswerForAllItsTokens() throws Exception {
    start(Duration.ofMillis(20));
    long started = System.nanoTime();
    var response = post(cotBody(false));
    long elapsedMillis = (System.nanoTime() - started) / 1_000_000;

    assertThat(response.statusCode()).isEqualTo(200);
    String text = json(response.body()).at("/choices/0/message/content").asText();
    // a lower bound only: a loaded machine may be slower, never faster
    assertThat(elapsedMillis).isGreaterThanOrEqualTo(LocalAnswers.tokens(text).size() * 20L - 20);
  }

  @Test
  void overlappingRequestsAreCountedAtTheirPeakAndResetForgetsThePeak() throws Exception {
    start(
        Duration.ofMillis(
            100)); // each answer takes seconds, so three requests sent at once overlap
    var responses =
        List.of(
            http.sendAsync(chatRequest(cotBody(false)), HttpResponse.BodyHandlers.ofString()),
            http.sendAsync(chatRequest(cotBody(false)), HttpResponse.BodyHandlers.ofString()),
            http.sendAsync(chatRequest(cotBody(false)), HttpResponse.BodyHandlers.ofString()));
    for (var response : responses) {
      assertThat(response.get(60, java.util.concurrent.TimeUnit.SECONDS).statusCode())
          .isEqualTo(200);
    }

    assertThat(gateway.peakConcurrentRequests()).isEqualTo(3);
    gateway.reset();
    assertThat(gateway.peakConcurrentRequests()).isZero();
    post(cotBody(false));
    assertThat(gateway.peakConcurrentRequests()).isEqualTo(1);
  }

  private HttpRequest chatRequest(String body) {
    return HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/chat/completions"))
        .timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

  @Test
  void aClientClosingAStreamIsCountedAsACancelledStream() throws Exception {
    start(Duration.ofMillis(100));
    byte[] body = cotBody(true).getBytes(StandardCharsets.UTF_8);
    try (var socket = new java.net.Socket("127.0.0.1", gateway.port())) {
      socket.setSoTimeout(20_000);
      var out = socket.getOutputStream();
      out.write(
          ("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                  + "Content-Length: "
                  + body.length
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();
      var received = new StringBuilder();
      var buffer = new byte[512];
      while (!received.toString().contains("\"content\":\"[[\"")) {
        int n = socket.getInputStream().read(buffer);
        assertThat(n).as("stream ended early: %s", received).isPositive();
        received.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
      }
    } // the client goes away mid-stream

    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (gateway.cancelledStreams() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(gateway.cancelledStreams()).isEqualTo(1);
    assertThat(printed.toString(StandardCharsets.UTF_8))
        .contains("#1 stream closed by the client before [DONE]");
  }

  @Test
  void aCompleteStreamIsNotCountedAsCancelled() throws Exception {
    start(Duration.ZERO);
    assertThat(dataEvents(post(cotBody(true)).body())).last().isEqualTo("[DONE]");
    assertThat(gateway.cancelledStreams()).isZero();
  }

  @Test
  void enforcesAValidRateLimitPolicyAndReportsOnesTheRealGatewayWouldIgnore() throws Exception {
    start(Duration.ZERO);
    String body = cotBody(false);
    var first = post(body, "Helicone-RateLimit-Policy", "2;w=60;u=request");
    var second = post(body, "Helicone-RateLimit-Policy", "2;w=60;u=request");
    var third = post(body, "Helicone-RateLimit-Policy", "2;w=60;u=request");
    post(body, "Helicone-Rate-Limit-Policy", "basic-100");
    post(body, "Helicone-RateLimit-Policy", "basic-100");

    assertThat(first.headers().firstValue("Helicone-RateLimit-Remaining")).hasValue("1");
    assertThat(second.headers().firstValue("Helicone-RateLimit-Remaining")).hasValue("0");
    assertThat(third.statusCode()).isEqualTo(429);
    assertThat(third.headers().firstValue("X-Helicone-Error")).hasValue("rate_limited");
    assertThat(json(third.body()).at("/error/message").asText()).contains("rate limited");
    String log = printed.toString(StandardCharsets.UTF_8);
    assertThat(log).contains("'Helicone-Rate-Limit-Policy' is not a Helicone header");
    assertThat(log).contains("policy 'basic-100' does not parse");
  }

  @Test
  void withCachingEnabledARepeatedRequestIsAHit() throws Exception {
    start(Duration.ZERO);
    String body = cotBody(false);
    var first = post(body, "Helicone-Cache-Enabled", "true");
    var second = post(body, "Helicone-Cache-Enabled", "true");
    assertThat(first.headers().firstValue("Helicone-Cache")).hasValue("MISS");
    assertThat(second.headers().firstValue("Helicone-Cache")).hasValue("HIT");
    assertThat(second.body()).isNotEmpty();
  }

  @Test
  void echoesAValidClientRequestId() throws Exception {
    start(Duration.ZERO);
    String id = UUID.randomUUID().toString();
    var response = post(cotBody(false), "Helicone-Request-Id", id);
    assertThat(response.headers().firstValue("Helicone-Request-Id")).hasValue(id);
  }

  @Test
  void maxTokensCutsTheAnswerWithFinishReasonLength() throws Exception {
    start(Duration.ZERO);
    var body = (com.fasterxml.jackson.databind.node.ObjectNode) json(cotBody(false));
    body.put("max_tokens", 3);
    var choice = json(post(body.toString()).body()).at("/choices/0");
    assertThat(choice.get("finish_reason").asText()).isEqualTo("length");
    assertThat(choice.at("/message/content").asText()).isEqualTo("[[ ## reasoning");
  }

  @Test
  void malformedRequestsGetOpenAiShapedErrors() throws Exception {
    start(Duration.ZERO);
    var notJson = post("{oops");
    var noModel = post("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    var noMessages = post("{\"model\":\"gpt-4o-mini\",\"messages\":[]}");
    var wrongPath =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/v1/models"))
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(notJson.statusCode()).isEqualTo(400);
    assertThat(json(notJson.body()).at("/error/message").asText()).contains("not a JSON object");
    assertThat(noModel.statusCode()).isEqualTo(400);
    assertThat(json(noModel.body()).at("/error/message").asText()).contains("'model' is required");
    assertThat(noMessages.statusCode()).isEqualTo(400);
    assertThat(wrongPath.statusCode()).isEqualTo(404);
    assertThat(json(wrongPath.body()).at("/error/message").asText())
        .contains("only serves POST /v1/chat/completions");
  }
}
