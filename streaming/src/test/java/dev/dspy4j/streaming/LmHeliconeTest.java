package dev.dspy4j.streaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.core.helicone.CacheMode;
import dev.dspy4j.core.helicone.Helicone;
import dev.dspy4j.core.helicone.HeliconeHeaders;
import dev.dspy4j.core.helicone.HeliconePrompt;
import dev.dspy4j.core.helicone.RateLimitPolicy;
import dev.dspy4j.core.lm.LmConfigurationException;
import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.streaming.testing.LoopbackServer;
import dev.dspy4j.streaming.testing.MockServers;
import dev.dspy4j.streaming.testing.Sse;
import dev.dspy4j.streaming.testing.TestLms;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.resources.ConnectionProvider;
import reactor.test.StepVerifier;

/**
 * Issue 4 at the LM: Helicone headers from the builder and the Reactor Context, as the server sees
 * them.
 */
class LmHeliconeTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(30);

  @StartStop private final MockWebServer server = new MockWebServer();

  @BeforeEach
  void unexpectedRequestsFailInsteadOfHanging() {
    MockServers.failUnexpectedRequests(server);
  }

  private void enqueueOk() {
    server.enqueue(
        new MockResponse.Builder()
            .addHeader("Content-Type", "application/json")
            .body(Sse.completion("ok"))
            .build());
  }

  private RecordedRequest takeRequest() throws InterruptedException {
    RecordedRequest r = server.takeRequest(10, TimeUnit.SECONDS);
    assertThat(r).as("a request reached the server").isNotNull();
    return r;
  }

  /** The Helicone-* headers of a request, by lower-case name. */
  private static Map<String, String> heliconeHeaders(RecordedRequest r) {
    var headers = new TreeMap<String, String>();
    for (String name : r.getHeaders().names()) {
      if (name.toLowerCase(Locale.ROOT).startsWith("helicone-")) {
        headers.put(name.toLowerCase(Locale.ROOT), r.getHeaders().get(name));
      }
    }
    return headers;
  }

  @Test
  void headersFromContextWriteReachTheRequest() throws Exception {
    enqueueOk();
    LM lm = TestLms.builder(server).build();
    UUID requestId = UUID.randomUUID();

    StepVerifier.create(
            lm.call("hi")
                .contextWrite(
                    Helicone.session(
                        "5f0c1a2e-4c4b-4d0e-9a43-3b1f6a9f0d11",
                        "Customer Support",
                        "/support/chat"))
                .contextWrite(Helicone.user("user-123"))
                .contextWrite(Helicone.property("Environment", "production"))
                .contextWrite(Helicone.requestId(requestId)))
        .expectNext(List.of("ok"))
        .expectComplete()
        .verify(WAIT);

    assertThat(heliconeHeaders(takeRequest()))
        .isEqualTo(
            Map.of(
                "helicone-session-id", "5f0c1a2e-4c4b-4d0e-9a43-3b1f6a9f0d11",
                "helicone-session-name", "Customer Support",
                "helicone-session-path", "/support/chat",
                "helicone-user-id", "user-123",
                "helicone-property-environment", "production",
                "helicone-request-id", requestId.toString()));
  }

  @Test
  void childPathsFormANestedSessionTree() throws Exception {
    enqueueOk();
    enqueueOk();
    LM lm = TestLms.builder(server).build();
    // A composite module: two sub-calls, each under its own path segment, in one session.
    Mono<List<String>> retrieve = lm.call("retrieve").contextWrite(Helicone.childPath("retrieve"));
    Mono<List<String>> answer = lm.call("answer").contextWrite(Helicone.childPath("answer"));

    StepVerifier.create(
            retrieve.then(answer).contextWrite(Helicone.session("s-1", "Support", "/support/chat")))
        .expectNext(List.of("ok"))
        .expectComplete()
        .verify(WAIT);

    assertThat(heliconeHeaders(takeRequest()))
        .containsEntry("helicone-session-path", "/support/chat/retrieve")
        .containsEntry("helicone-session-id", "s-1");
    assertThat(heliconeHeaders(takeRequest()))
        .containsEntry("helicone-session-path", "/support/chat/answer")
        .containsEntry("helicone-session-id", "s-1");
  }

  @Test
  void theInnermostWriteWinsAndPropertiesAccumulate() throws Exception {
    enqueueOk();
    enqueueOk();
    LM lm =
        TestLms.builder(server)
            .header("Helicone-User-Id", "lm-user")
            .header("Helicone-Property-Team", "lm-team")
            .build();

    // Closest to the call: user "inner", property Step; further out: user "outer", property
    // Environment.
    StepVerifier.create(
            lm.call("one")
                .contextWrite(Helicone.user("inner"))
                .contextWrite(Helicone.property("Step", "answer"))
                .contextWrite(Helicone.user("outer"))
                .contextWrite(Helicone.property("Environment", "production")))
        .expectNext(List.of("ok"))
        .expectComplete()
        .verify(WAIT);
    // The request's own header wins over the Context.
    StepVerifier.create(
            lm.complete(LmRequest.ofUser("two").withHeader("Helicone-User-Id", "per-call"))
                .map(r -> r.texts())
                .contextWrite(Helicone.user("inner")))
        .expectNext(List.of("ok"))
        .expectComplete()
        .verify(WAIT);

    assertThat(heliconeHeaders(takeRequest()))
        .isEqualTo(
            Map.of(
                "helicone-user-id", "inner",
                "helicone-property-team", "lm-team",
                "helicone-property-environment", "production",
                "helicone-property-step", "answer"));
    assertThat(heliconeHeaders(takeRequest()))
        .isEqualTo(
            Map.of(
                "helicone-user-id", "per-call",
                "helicone-property-team", "lm-team"));
  }

  @Test
  void aThousandConcurrentPipelinesEachSendOnlyTheirOwnHeaders() {
    int pipelines = 1_000;
    var seen = new ConcurrentHashMap<String, Map<String, String>>();
    try (LoopbackServer loopback =
        LoopbackServer.start(
            (req, res) ->
                req.receive()
                    .aggregate()
                    .asString()
                    .flatMap(
                        body -> {
                          String prompt;
                          try {
                            prompt =
                                MAPPER
                                    .readTree(body)
                                    .get("messages")
                                    .get(0)
                                    .get("content")
                                    .asText();
                          } catch (Exception e) {
                            return Mono.error(e);
                          }
                          var helicone = new TreeMap<String, String>();
                          req.requestHeaders()
                              .forEach(
                                  h -> {
                                    if (h.getKey()
                                        .toLowerCase(Locale.ROOT)
                                        .startsWith("helicone-")) {
                                      helicone.merge(
                                          h.getKey().toLowerCase(Locale.ROOT),
                                          h.getValue(),
                                          (a, b) -> a + "," + b);
                                    }
                                  });
                          seen.put(prompt, helicone);
                          return res.header("Content-Type", "application/json")
                              .sendString(Mono.just(Sse.completion("ok " + prompt)))
                              .then();
                        }))) {
      // 64 connections: a burst of 500 connects would overflow the server's accept backlog, and the
      // dropped SYNs would be retried after seconds. The 1,000 calls still run concurrently (queued
      // for a connection), each with its own Context.
      ConnectionProvider pool =
          ConnectionProvider.builder("helicone-pipelines")
              .maxConnections(64)
              .pendingAcquireMaxCount(-1)
              .build();
      LM lm = TestLms.builder(loopback.apiBase()).connectionProvider(pool).build();
      Set<String> callerThreads = ConcurrentHashMap.newKeySet();
      var sessions = new ArrayList<String>();
      for (int i = 0; i < pipelines; i++) {
        sessions.add(UUID.randomUUID().toString());
      }

      List<String> answers =
          Flux.range(0, pipelines)
              .flatMap(
                  i ->
                      Mono.just(i)
                          // The Context is written outside, the call is made on another thread.
                          .publishOn(Schedulers.parallel())
                          .doOnNext(x -> callerThreads.add(Thread.currentThread().getName()))
                          .flatMap(x -> lm.call("q-" + x))
                          .map(texts -> texts.get(0))
                          .contextWrite(
                              Helicone.session(sessions.get(i), "Pipeline " + i, "/pipelines/" + i))
                          .contextWrite(Helicone.user("user-" + i))
                          .contextWrite(Helicone.property("Pipeline", "p-" + i)),
                  pipelines)
              .collectList()
              .block(Duration.ofSeconds(120));

      assertThat(answers).hasSize(pipelines);
      assertThat(seen).hasSize(pipelines);
      for (int i = 0; i < pipelines; i++) {
        assertThat(seen.get("q-" + i))
            .as("headers of pipeline %d", i)
            .isEqualTo(
                Map.of(
                    "helicone-session-id", sessions.get(i),
                    "helicone-session-name", "Pipeline " + i,
                    "helicone-session-path", "/pipelines/" + i,
                    "helicone-user-id", "user-" + i,
                    "helicone-property-pipeline", "p-" + i));
      }
      if (Schedulers.DEFAULT_POOL_SIZE > 1) {
        assertThat(callerThreads)
            .as("calls were made from several parallel threads")
            .hasSizeGreaterThan(1);
      }
      pool.disposeLater().block(Duration.ofSeconds(10));
    }
  }

  @Test
  void aRetryResendsTheSameHeadersAndRequestId() throws Exception {
    server.enqueue(new MockResponse.Builder().code(503).body("busy").build());
    enqueueOk();
    LM lm = TestLms.builder(server).build();
    UUID requestId = UUID.randomUUID();

    StepVerifier.create(
            lm.call("hi")
                .contextWrite(Helicone.requestId(requestId))
                .contextWrite(Helicone.session("s-r", "Retry", "/retry"))
                .contextWrite(Helicone.user("user-r")))
        .expectNext(List.of("ok"))
        .expectComplete()
        .verify(WAIT);

    RecordedRequest first = takeRequest();
    RecordedRequest second = takeRequest();
    assertThat(heliconeHeaders(first))
        .containsEntry("helicone-request-id", requestId.toString())
        .containsEntry("helicone-session-id", "s-r")
        .containsEntry("helicone-user-id", "user-r");
    assertThat(heliconeHeaders(second)).isEqualTo(heliconeHeaders(first));
    assertThat(second.getBody()).isEqualTo(first.getBody());
  }

  @Test
  void invalidHeaderValuesNeverReachTheServer() {
    LM lm = TestLms.builder(server).build();

    // An unsafe value cannot even be put in a request (the rule of Headers, as for LM headers).
    assertThatThrownBy(
            () -> LmRequest.ofUser("x").withHeader("Helicone-Property-Note", "a\r\nInjected: yes"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Helicone-Property-Note")
        .hasMessageNotContaining("Injected");
    assertThatThrownBy(
            () ->
                LmRequest.ofUser("x").withHeader("Helicone-Session-Name", "Kundenservice München"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Helicone-Session-Name")
        .hasMessageContaining("percentEncode");
    // A misspelt-but-parsed header the gateway would ignore, and a request id it would replace.
    StepVerifier.create(
            lm.complete(LmRequest.ofUser("x").withHeader("Helicone-RateLimit-Policy", "basic-100")))
        .expectError(LmConfigurationException.class)
        .verify(WAIT);
    StepVerifier.create(
            lm.complete(LmRequest.ofUser("x").withHeader("Helicone-Request-Id", "req-1")))
        .expectError(LmConfigurationException.class)
        .verify(WAIT);
    // Builder and Context reject them at the call site.
    assertThatThrownBy(() -> TestLms.builder(server).header("Helicone-User-Id", "u\n1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Helicone-User-Id");
    assertThatThrownBy(() -> Helicone.property("Environment", "prod\r\nX: 1"))
        .isInstanceOf(IllegalArgumentException.class);

    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void typedHeliconeDefaultsOnTheBuilderAreSent() throws Exception {
    enqueueOk();
    LM lm =
        TestLms.builder(server)
            .helicone(
                HeliconeHeaders.builder()
                    .userId("user-123")
                    .property("Environment", "production")
                    .rateLimitPolicy(RateLimitPolicy.requests(100).per(Duration.ofHours(1)))
                    .cache(CacheMode.READ_WRITE)
                    .build())
            .build();

    StepVerifier.create(lm.call("hi").contextWrite(Helicone.property("Module", "chain-of-thought")))
        .expectNext(List.of("ok"))
        .expectComplete()
        .verify(WAIT);

    assertThat(heliconeHeaders(takeRequest()))
        .containsEntry("helicone-user-id", "user-123")
        .containsEntry("helicone-property-environment", "production")
        .containsEntry("helicone-property-module", "chain-of-thought")
        .containsEntry("helicone-ratelimit-policy", "100;w=3600;u=request")
        .containsEntry("helicone-cache-enabled", "true");
    assertThat(lm.helicone().userId()).contains("user-123");
  }

  @Test
  void aSegmentByUserPolicyWithoutAUserFailsBeforeSendingAndWithOneIsSent() throws Exception {
    enqueueOk();
    LM lm =
        TestLms.builder(server)
            .helicone(
                HeliconeHeaders.builder()
                    .rateLimitPolicy(
                        RateLimitPolicy.requests(1000).per(Duration.ofHours(1)).segmentByUser())
                    .build())
            .build();

    StepVerifier.create(lm.call("hi")).expectError(LmConfigurationException.class).verify(WAIT);
    assertThat(server.getRequestCount()).isZero();

    StepVerifier.create(lm.call("hi").contextWrite(Helicone.user("u-7")))
        .expectNext(List.of("ok"))
        .expectComplete()
        .verify(WAIT);
    assertThat(heliconeHeaders(takeRequest()))
        .containsEntry("helicone-ratelimit-policy", "1000;w=3600;u=request;s=user")
        .containsEntry("helicone-user-id", "u-7");
  }

  @Test
  void heliconePromptFieldsAreInTheJsonBodyNextToModel() throws Exception {
    enqueueOk();
    LM lm =
        TestLms.builder(server)
            .prompt(
                HeliconePrompt.id("customer-support-prompt-id")
                    .version("version-uuid")
                    .environment("production")
                    .inputs(Map.of("customer_name", "Sarah", "issue_type", "technical")))
            .build();

    StepVerifier.create(lm.call("hi")).expectNext(List.of("ok")).expectComplete().verify(WAIT);

    JsonNode body = MAPPER.readTree(takeRequest().getBody().utf8());
    assertThat(body.get("model").asText()).isEqualTo("gpt-4o-mini");
    assertThat(body.get("messages").get(0).get("content").asText()).isEqualTo("hi");
    assertThat(body.get("prompt_id").asText()).isEqualTo("customer-support-prompt-id");
    assertThat(body.get("version_id").asText()).isEqualTo("version-uuid");
    assertThat(body.get("environment").asText()).isEqualTo("production");
    assertThat(body.get("inputs").get("customer_name").asText()).isEqualTo("Sarah");
    assertThat(body.get("inputs").get("issue_type").asText()).isEqualTo("technical");
  }

  @Test
  void aMisspeltHeliconeHeaderWarnsAtBuildNamingTheRightOne() {
    PrintStream original = System.err;
    var captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      TestLms.builder(server).header("Helicone-Rate-Limit-Policy", "100;w=3600").build();
    } finally {
      System.setErr(original);
    }
    assertThat(captured.toString(StandardCharsets.UTF_8))
        .contains(
            "'Helicone-Rate-Limit-Policy' looks like a misspelling of 'Helicone-RateLimit-Policy'");
  }

  @Test
  void aRawRateLimitPolicyThatDoesNotParseFailsAtBuild() {
    assertThatThrownBy(
            () -> TestLms.builder(server).header("Helicone-RateLimit-Policy", "basic-100").build())
        .isInstanceOf(IllegalArgumentException.class);
  }
}
