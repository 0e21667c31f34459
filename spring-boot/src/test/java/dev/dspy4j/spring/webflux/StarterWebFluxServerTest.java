package dev.dspy4j.spring.webflux;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.core.Dspy;
import dev.dspy4j.test.LocalGateway;
import dev.dspy4j.test.RecordedRequest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * The starter in a real WebFlux server on a random port, every LM call going over real HTTP to the
 * local gateway, which records what it received.
 */
@SpringBootTest(
    classes = QaTestApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "dspy4j.lm.model=gpt-4o-mini",
      "dspy4j.lm.api-key=sk-server-key-123456",
      "dspy4j.lm.cache=false"
    })
class StarterWebFluxServerTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ByteArrayOutputStream GATEWAY_LOG = new ByteArrayOutputStream();

  /**
   * Tokens trickle in (4 ms each, also per token of a non-streamed answer), so streams take visible
   * time.
   */
  private static final LocalGateway GATEWAY =
      LocalGateway.builder()
          .tokenDelay(Duration.ofMillis(4))
          .log(new PrintStream(GATEWAY_LOG, true, StandardCharsets.UTF_8))
          .start();

  private static final ConnectionProvider POOL =
      ConnectionProvider.builder("test-client")
          .maxConnections(500)
          .pendingAcquireMaxCount(-1)
          .build();

  @LocalServerPort int port;

  @DynamicPropertySource
  static void gateway(DynamicPropertyRegistry registry) {
    registry.add("dspy4j.lm.api-base", GATEWAY::baseUrl);
  }

  @AfterAll
  static void stop() {
    POOL.disposeLater().block(Duration.ofSeconds(10));
    GATEWAY.close();
    Dspy.reset();
  }

  @BeforeEach
  void reset() {
    GATEWAY.reset();
  }

  private HttpClient client(Consumer<io.netty.handler.codec.http.HttpHeaders> headers) {
    return HttpClient.create(POOL)
        .baseUrl("http://127.0.0.1:" + port)
        .headers(headers)
        .responseTimeout(Duration.ofSeconds(60));
  }

  private record Response(int status, String contentType, String body) {}

  private Response get(String uri, Consumer<io.netty.handler.codec.http.HttpHeaders> headers) {
    return client(headers)
        .get()
        .uri(uri)
        .responseSingle(
            (r, body) ->
                body.asString(StandardCharsets.UTF_8)
                    .defaultIfEmpty("")
                    .map(
                        b ->
                            new Response(
                                r.status().code(), r.responseHeaders().get("Content-Type"), b)))
        .block(Duration.ofSeconds(60));
  }

  private static String q(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  private static String basic(String user, String password) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void sessionUserAndPropertyHeadersReachTheGatewayOnEveryCallOfATwoStepPipeline() {
    Response r =
        get(
            "/two-step?question=" + q("What is DSPy?"),
            h ->
                h.add("Helicone-Session-Id", "9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d")
                    .add("Helicone-Session-Name", "Support")
                    .add("Helicone-Session-Path", "/support/chat")
                    .add("Helicone-User-Id", "user-7")
                    .add("Helicone-Property-Environment", "staging")
                    .add("helicone-property-tier", "gold"));

    assertThat(r.status()).as(r.body()).isEqualTo(200);
    List<RecordedRequest> calls = GATEWAY.requests();
    assertThat(calls).hasSize(2);
    for (RecordedRequest call : calls) {
      assertThat(call.header("Helicone-Session-Id"))
          .hasValue("9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d");
      assertThat(call.header("Helicone-Session-Name")).hasValue("Support");
      assertThat(call.header("Helicone-Session-Path")).hasValue("/support/chat");
      assertThat(call.header("Helicone-User-Id")).hasValue("user-7");
      assertThat(call.header("Helicone-Property-Environment")).hasValue("staging");
      assertThat(call.header("Helicone-Property-tier")).hasValue("gold");
      assertThat(call.header("Authorization")).hasValue("Bearer sk-server-key-123456");
    }
  }

  @Test
  void cacheRateLimitAuthAndOtherHeliconeHeadersFromTheClientNeverReachTheGateway() {
    Response r =
        get(
            "/two-step?question=" + q("Can I bypass the quota?"),
            h ->
                h.add("Helicone-Session-Id", "client-session")
                    .add("Helicone-Cache-Enabled", "true")
                    .add("Cache-Control", "max-age=3600")
                    .add("Helicone-Cache-Seed", "x")
                    .add("Helicone-RateLimit-Policy", "1000;w=60")
                    .add("Helicone-Retry-Enabled", "true")
                    .add("Helicone-Auth", "Bearer sk-helicone-client")
                    .add("Authorization", "Bearer sk-client-own-key")
                    .add("Helicone-Omit-Request", "true")
                    .add("Helicone-Request-Id", "1f0e4a4e-0b8d-11ef-9262-0242ac120002")
                    .add("Helicone-Posthog-Key", "phc_x")
                    .add("Helicone-Target-Url", "http://evil.example")
                    .add("X-Custom", "nope"));

    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(GATEWAY.requests())
        .hasSize(2)
        .allSatisfy(
            call -> {
              assertThat(call.header("Helicone-Session-Id")).hasValue("client-session");
              for (String forbidden :
                  List.of(
                      "Helicone-Cache-Enabled",
                      "Helicone-Cache-Seed",
                      "Helicone-RateLimit-Policy",
                      "Helicone-Retry-Enabled",
                      "Helicone-Auth",
                      "Helicone-Omit-Request",
                      "Helicone-Posthog-Key",
                      "Helicone-Target-Url",
                      "X-Custom")) {
                assertThat(call.header(forbidden)).as(forbidden).isEmpty();
              }
              assertThat(call.header("Cache-Control").orElse("")).doesNotContain("max-age=3600");
              assertThat(call.header("Helicone-Request-Id").orElse(""))
                  .isNotEqualTo("1f0e4a4e-0b8d-11ef-9262-0242ac120002");
              assertThat(call.header("Authorization")).hasValue("Bearer sk-server-key-123456");
            });
  }

  @Test
  void fiveHundredConcurrentRequestsWithDifferentSessionsNeverSeeEachOthersHeaders() {
    int n = 500;
    List<Integer> statuses =
        Flux.range(0, n)
            .flatMap(
                i ->
                    client(
                            h ->
                                h.add("Helicone-Session-Id", "session-" + i)
                                    .add("Helicone-User-Id", "user-" + i)
                                    .add("Helicone-Property-Request", "req-" + i))
                        .get()
                        .uri("/two-step?question=" + q("Question [id=" + i + "]"))
                        .responseSingle(
                            (resp, body) ->
                                body.asString()
                                    .defaultIfEmpty("")
                                    .thenReturn(resp.status().code())),
                n)
            .collectList()
            .block(Duration.ofMinutes(3));

    assertThat(statuses).hasSize(n).containsOnly(200);
    List<RecordedRequest> calls = GATEWAY.requests();
    assertThat(calls).hasSize(2 * n);
    Pattern id = Pattern.compile("\\[id=(\\d+)]");
    int[] perRequest = new int[n];
    for (RecordedRequest call : calls) {
      Matcher m = id.matcher(call.json().at("/messages/1/content").asText());
      assertThat(m.find()).as("the question id is in the prompt").isTrue();
      int i = Integer.parseInt(m.group(1));
      perRequest[i]++;
      assertThat(call.header("Helicone-Session-Id")).hasValue("session-" + i);
      assertThat(call.header("Helicone-User-Id")).hasValue("user-" + i);
      assertThat(call.header("Helicone-Property-Request")).hasValue("req-" + i);
    }
    assertThat(perRequest).containsOnly(2);
    assertThat(GATEWAY.peakConcurrentRequests())
        .as("the requests really overlapped")
        .isGreaterThan(1);
  }

  @Test
  void theAuthenticatedPrincipalBecomesTheUserAndWinsOverTheHeader() {
    Response r =
        get(
            "/two-step?question=" + q("Who am I?"),
            h ->
                h.add("Authorization", basic("alice", "wonderland"))
                    .add("Helicone-User-Id", "mallory"));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(GATEWAY.requests())
        .hasSize(2)
        .allSatisfy(call -> assertThat(call.header("Helicone-User-Id")).hasValue("alice"));
  }

  @Test
  void aNonAsciiPrincipalNameIsPercentEncodedNotA500() {
    Response r =
        get(
            "/call?question=" + q("Hola?"),
            h -> h.add("Authorization", basic("Jos\u00e9", "secret")));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(GATEWAY.lastRequest().orElseThrow().header("Helicone-User-Id"))
        .hasValue("Jos%C3%A9");
  }

  @Test
  void anIncomingHeaderTheGatewayCannotTakeIsA400NamingTheHeader() {
    Response badProperty = get("/call?question=x", h -> h.add("Helicone-Property-a.b", "x"));
    assertThat(badProperty.status()).isEqualTo(400);
    assertThat(badProperty.body()).contains("Helicone-Property-a.b");

    Response nonAscii = get("/call?question=x", h -> h.add("Helicone-Session-Name", "caf\u00e9"));
    assertThat(nonAscii.status()).isEqualTo(400);
    assertThat(nonAscii.body()).contains("Helicone-Session-Name");
    assertThat(GATEWAY.requests()).as("nothing was sent for a rejected request").isEmpty();
  }

  @Test
  void theFilterDoesNothingWithoutHeliconeHeaders() {
    Response r = get("/call?question=" + q("Plain?"), h -> {});
    assertThat(r.status()).isEqualTo(200);
    assertThat(GATEWAY.lastRequest().orElseThrow().heliconeHeaders())
        .doesNotContainKeys("Helicone-Session-Id", "Helicone-User-Id");
  }

  @Test
  void sseChunksArriveBeforeTheAnswerIsCompleteWithTheRelaysEventNames() throws Exception {
    List<SseClient.Event> events =
        SseClient.events(
                client(h -> h.add("Helicone-Session-Id", "sse-session"))
                    .get()
                    .uri("/stream?question=" + q("Why stream?"))
                    .responseContent()
                    .asString())
            .collectList()
            .block(Duration.ofSeconds(60));

    assertThat(events).isNotEmpty();
    assertThat(events.get(events.size() - 1).name()).isEqualTo("done");
    List<SseClient.Event> fields = events.stream().filter(e -> e.name().equals("field")).toList();
    assertThat(fields.size()).isGreaterThanOrEqualTo(3);
    long firstChunk = fields.get(0).arrivedNanos();
    long doneAt = events.get(events.size() - 1).arrivedNanos();
    assertThat(TimeUnit.NANOSECONDS.toMillis(doneAt - firstChunk))
        .as("the first chunk arrived well before the answer was complete")
        .isGreaterThan(100);
    JsonNode firstField = JSON.readTree(fields.get(0).data());
    assertThat(firstField.has("field")).isTrue();
    assertThat(firstField.has("text")).isTrue();
    assertThat(firstField.has("last")).isTrue();
    JsonNode done = JSON.readTree(events.get(events.size() - 1).data());
    assertThat(done.get("answer").asText()).contains("Why stream?");
    assertThat(GATEWAY.lastRequest().orElseThrow().header("Helicone-Session-Id"))
        .hasValue("sse-session");
  }

  @Test
  void aMissingInputIsA400BeforeTheStreamStarts() {
    Response r = get("/stream", h -> h.add("Accept", "text/event-stream"));
    assertThat(r.status()).as(r.body()).isEqualTo(400);
    assertThat(r.contentType()).startsWith("application/problem+json");
    assertThat(r.body()).contains("question");
  }

  @Test
  void aBadValueRefusedByDspy4jIsA400ButTheApplicationsOwnIllegalArgumentIsNot() {
    Response bad =
        get(
            "/stream-field?question=x&field=nonexistent",
            h -> h.add("Accept", "text/event-stream"));
    assertThat(bad.status()).as(bad.body()).isEqualTo(400);
    assertThat(bad.body()).contains("nonexistent");

    Response bug = get("/app-bug", h -> {});
    assertThat(bug.status()).isEqualTo(500);
    assertThat(bug.body()).doesNotContain("internal invariant");
  }

  @Test
  void aSilentLmGetsHeartbeatsFirstAndAFailureAfterThemIsAnErrorEvent() {
    Response answered = get("/stream-silent?question=x&fail=false", h -> {});
    assertThat(answered.status()).isEqualTo(200);
    assertThat(answered.body())
        .startsWith(":keep-alive\n\n")
        .contains("event:field")
        .contains("event:done");

    Response failed = get("/stream-silent?question=x&fail=true", h -> {});
    assertThat(failed.status()).as("the heartbeat committed the response").isEqualTo(200);
    assertThat(failed.body())
        .startsWith(":keep-alive\n\n")
        .contains("event:error")
        .contains("ServerException");
  }

  @Test
  void anUnreachableLmIsA503BeforeTheStreamStartsWithoutInternals() throws Exception {
    int closed;
    try (var socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    Response r =
        get(
            "/stream-unreachable?question=x&port=" + closed,
            h -> h.add("Accept", "text/event-stream"));
    assertThat(r.status()).as(r.body()).isEqualTo(503);
    assertThat(r.contentType()).startsWith("application/problem+json");
    assertThat(r.body())
        .contains("ConnectionException")
        .doesNotContain("127.0.0.1")
        .doesNotContain("sk-unreachable");
  }

  @Test
  void anErrorAfterTheStreamStartedIsAnErrorEventWithoutUrlsOrCredentials() throws Exception {
    List<SseClient.Event> events =
        SseClient.events(
                client(h -> {}).get().uri("/stream-breaks?question=x").responseContent().asString())
            .collectList()
            .block(Duration.ofSeconds(30));
    assertThat(events)
        .extracting(SseClient.Event::name)
        .contains("field")
        .last()
        .isEqualTo("error");
    JsonNode error = JSON.readTree(events.get(events.size() - 1).data());
    assertThat(error.get("type").asText()).isEqualTo("LmException");
    assertThat(error.get("message").asText())
        .contains("stream reset")
        .doesNotContain("10.1.2.3")
        .doesNotContain("http://")
        .doesNotContain("sk-live");
  }

  @Test
  void closingTheClientConnectionClosesTheLmRequestAtTheGateway() {
    // About 2 x 300 words at 4 ms per token: seconds of streaming, that only the client going away
    // ends early.
    String question = "Why? ".repeat(300).strip();
    List<SseClient.Event> received =
        SseClient.events(
                client(h -> {})
                    .get()
                    .uri("/stream?question=" + q(question))
                    .responseContent()
                    .asString())
            .take(2) // the connection is closed once two events arrived
            .collectList()
            .block(Duration.ofSeconds(30));
    assertThat(received).hasSize(2).allSatisfy(e -> assertThat(e.name()).isEqualTo("field"));

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (GATEWAY.cancelledStreams() < 1 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(GATEWAY.cancelledStreams())
        .as("the gateway saw its stream closed before [DONE]")
        .isEqualTo(1);
    assertThat(GATEWAY.requests()).as("no retry after the cancel").hasSize(1);
  }

  @Test
  void anAiSdkChatRequestGetsTheUiMessageStreamWithItsHeader() throws Exception {
    String body =
        "{\"id\":\"chat-1\",\"trigger\":\"submit-message\",\"messages\":[{\"id\":\"m1\","
            + "\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"text\":\"What is DSPy?\"}]}]}";
    var result =
        client(h -> h.add("Content-Type", "application/json"))
            .post()
            .uri("/api/chat")
            .send(reactor.netty.ByteBufFlux.fromString(Mono.just(body)))
            .responseSingle(
                (r, b) ->
                    b.asString(StandardCharsets.UTF_8)
                        .defaultIfEmpty("")
                        .map(text -> java.util.Map.entry(r, text)))
            .block(Duration.ofSeconds(60));

    assertThat(result.getKey().status().code()).as(result.getValue()).isEqualTo(200);
    assertThat(result.getKey().responseHeaders().get("x-vercel-ai-ui-message-stream"))
        .isEqualTo("v1");
    assertThat(result.getKey().responseHeaders().get("Content-Type"))
        .startsWith("text/event-stream");
    var types = new java.util.ArrayList<String>();
    var text = new StringBuilder();
    var reasoning = new StringBuilder();
    String last = null;
    for (String line : result.getValue().split("\n")) {
      // Spring writes "data:" without a space; the AI SDK's SSE parser takes both.
      if (!line.startsWith("data:")) continue;
      last = line.substring(5).strip();
      if (last.equals("[DONE]")) continue;
      JsonNode chunk = JSON.readTree(last);
      types.add(chunk.get("type").asText());
      if (chunk.get("type").asText().equals("text-delta")) text.append(chunk.get("delta").asText());
      if (chunk.get("type").asText().equals("reasoning-delta"))
        reasoning.append(chunk.get("delta").asText());
    }
    assertThat(types)
        .startsWith("start")
        .contains(
            "reasoning-start", "reasoning-delta", "text-start", "text-delta", "data-prediction")
        .endsWith("finish");
    assertThat(last).isEqualTo("[DONE]");
    assertThat(text.toString())
        .isEqualTo("A deterministic answer from the local gateway to \"What is DSPy?\".");
    assertThat(reasoning.toString()).contains("What is DSPy?");
  }

  @Test
  void aChatRequestWithoutAUserMessageIsA400() {
    var status =
        client(h -> h.add("Content-Type", "application/json"))
            .post()
            .uri("/api/chat")
            .send(reactor.netty.ByteBufFlux.fromString(Mono.just("{\"id\":\"c\",\"messages\":[]}")))
            .responseSingle((r, b) -> Mono.just(r.status().code()))
            .block(Duration.ofSeconds(60));
    assertThat(status).isEqualTo(400);
    assertThat(GATEWAY.requests()).isEmpty();
  }
}
