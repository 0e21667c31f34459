package dev.dspy4j.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.core.Dspy;
import dev.dspy4j.core.cache.DefaultLmCache;
import dev.dspy4j.core.helicone.Helicone;
import dev.dspy4j.core.helicone.HeliconeHeaders;
import dev.dspy4j.core.lm.LmChunk;
import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.core.lm.LmResponse;
import dev.dspy4j.core.lm.Usage;
import dev.dspy4j.streaming.testing.MockServers;
import dev.dspy4j.streaming.testing.Sse;
import dev.dspy4j.streaming.testing.TestLms;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/**
 * Issue 6 at the LM: the process-wide client cache in front of the network, as the server sees it.
 */
class LmCacheTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @StartStop private final MockWebServer server = new MockWebServer();

  @BeforeEach
  void freshCacheAndNoUnexpectedRequests() {
    // Each test starts with an empty cache of its own, so no entry carries over between tests.
    Dspy.configureCache(DefaultLmCache.builder().build());
    MockServers.failUnexpectedRequests(server);
  }

  @AfterEach
  void dropTheEntries() {
    Dspy.configureCache(DefaultLmCache.builder().build());
  }

  private void enqueueCompletion(String text) {
    server.enqueue(
        new MockResponse.Builder()
            .addHeader("Content-Type", "application/json")
            .body(Sse.completion(text))
            .build());
  }

  private void enqueueStream(String... texts) {
    server.enqueue(
        new MockResponse.Builder()
            .addHeader("Content-Type", "text/event-stream")
            .body(Sse.stream(texts))
            .build());
  }

  private LM cachingLm() {
    return TestLms.builder(server).cache(true).build();
  }

  @Test
  void theCacheIsOnByDefaultAsInDspy() {
    enqueueCompletion("once");
    LM lm =
        LM.builder("gpt-4o-mini")
            .apiKey(TestLms.API_KEY)
            .apiBase(server.url("/v1").toString())
            .build();
    assertThat(lm.cache()).isTrue();

    StepVerifier.create(lm.call("hello")).expectNext(List.of("once")).expectComplete().verify(WAIT);
    StepVerifier.create(lm.call("hello")).expectNext(List.of("once")).expectComplete().verify(WAIT);

    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void theSecondIdenticalCallSendsNothingAndIsAHitWithoutUsage() {
    enqueueCompletion("cached answer");
    LM lm = cachingLm();
    LmRequest request = LmRequest.ofUser("What is 2 + 2?");

    LmResponse first = lm.complete(request).block(WAIT);
    LmResponse second = lm.complete(request).block(WAIT);

    assertThat(server.getRequestCount()).isEqualTo(1);
    assertThat(first.cacheHit()).isFalse();
    assertThat(first.usage()).isEqualTo(new Usage(7, 3, 10));
    assertThat(second.text()).isEqualTo("cached answer");
    assertThat(second.cacheHit()).isTrue();
    assertThat(second.usage()).isEqualTo(Usage.ZERO);
  }

  @Test
  void aStreamedCallAndAPlainCallShareOneEntry() {
    enqueueStream("Hel", "lo");
    LM lm = cachingLm();
    LmRequest request = LmRequest.ofUser("greet");

    List<LmChunk> streamed = lm.stream(request).collectList().block(WAIT);
    LmResponse completed = lm.complete(request).block(WAIT);
    List<LmChunk> replayed = lm.stream(request).collectList().block(WAIT);

    assertThat(server.getRequestCount()).isEqualTo(1);
    assertThat(streamed).noneMatch(LmChunk::cacheHit);
    assertThat(completed.text()).isEqualTo("Hello");
    assertThat(completed.cacheHit()).isTrue();
    assertThat(replayed).hasSize(1);
    assertThat(replayed.get(0).text()).isEqualTo("Hello");
    assertThat(replayed.get(0).cacheHit()).isTrue();
  }

  @Test
  void aPlainCallFillsTheEntryAStreamReplays() {
    enqueueCompletion("whole answer");
    LM lm = cachingLm();

    StepVerifier.create(lm.call("q"))
        .expectNext(List.of("whole answer"))
        .expectComplete()
        .verify(WAIT);
    StepVerifier.create(lm.tokens("q")).expectNext("whole answer").expectComplete().verify(WAIT);

    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void cacheOffOnTheLmSendsEveryCall() {
    enqueueCompletion("a");
    enqueueCompletion("b");
    LM lm = TestLms.builder(server).cache(false).build();

    StepVerifier.create(lm.call("same")).expectNext(List.of("a")).expectComplete().verify(WAIT);
    StepVerifier.create(lm.call("same")).expectNext(List.of("b")).expectComplete().verify(WAIT);

    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void cacheOffForOneCallSendsItAndStoresNothing() {
    enqueueCompletion("stored");
    enqueueCompletion("bypassed");
    enqueueCompletion("bypassed again");
    LM lm = cachingLm();
    LmRequest request = LmRequest.ofUser("same");

    assertThat(lm.complete(request).block(WAIT).text()).isEqualTo("stored");
    assertThat(lm.complete(request.withCache(false)).block(WAIT).text()).isEqualTo("bypassed");
    assertThat(lm.complete(request.withCache(false)).block(WAIT).text())
        .isEqualTo("bypassed again");
    assertThat(lm.complete(request).block(WAIT).text()).isEqualTo("stored");

    assertThat(server.getRequestCount()).isEqualTo(3);
  }

  @Test
  void aPerCallCacheTrueUsesTheCacheOnAnLmWithoutCacheAsInDspy() {
    enqueueCompletion("first");
    LM lm = TestLms.builder(server).cache(false).build();
    LmRequest request = LmRequest.ofUser("same").withCache(true);

    assertThat(lm.complete(request).block(WAIT).text()).isEqualTo("first");
    assertThat(lm.complete(request).block(WAIT).cacheHit()).isTrue();

    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void aHundredConcurrentIdenticalCallsMakeOneRequest() {
    // The answer takes a while, so the calls overlap: they join the one request in flight.
    server.enqueue(
        new MockResponse.Builder()
            .addHeader("Content-Type", "application/json")
            .headersDelay(300, TimeUnit.MILLISECONDS)
            .body(Sse.completion("shared"))
            .build());
    LM lm = cachingLm();
    LmRequest request = LmRequest.ofUser("popular question");

    List<LmResponse> answers =
        Flux.range(0, 100).flatMap(i -> lm.complete(request), 100).collectList().block(WAIT);

    assertThat(answers).hasSize(100).allSatisfy(r -> assertThat(r.text()).isEqualTo("shared"));
    assertThat(answers).filteredOn(r -> !r.cacheHit()).hasSize(1); // usage is counted once
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void lmsWithDifferentApiKeysAndHeliconeSessionsShareAnEntry() throws Exception {
    enqueueCompletion("shared by both");
    LM alice =
        TestLms.builder(server)
            .apiKey("sk-alice-0001")
            .cache(true)
            .helicone(HeliconeHeaders.builder().userId("alice").build())
            .build();
    LM bob =
        TestLms.builder(server)
            .apiKey("sk-bob-0002")
            .cache(true)
            .header("Helicone-Property-Team", "bob-team")
            .build();

    LmResponse first =
        alice
            .complete(LmRequest.ofUser("q"))
            .contextWrite(Helicone.session("s-alice", "A", "/a"))
            .block(WAIT);
    LmResponse second =
        bob.complete(LmRequest.ofUser("q"))
            .contextWrite(Helicone.session("s-bob", "B", "/b"))
            .contextWrite(Helicone.requestId(java.util.UUID.randomUUID()))
            .block(WAIT);

    assertThat(server.getRequestCount()).isEqualTo(1);
    assertThat(first.cacheHit()).isFalse();
    assertThat(second.cacheHit()).isTrue();
    assertThat(second.text()).isEqualTo("shared by both");
    RecordedRequest sent = server.takeRequest(5, TimeUnit.SECONDS);
    assertThat(sent.getHeaders().get("Authorization")).isEqualTo("Bearer sk-alice-0001");
  }

  @Test
  void aDifferentTemperatureIsADifferentEntry() {
    enqueueCompletion("cold");
    enqueueCompletion("hot");
    LM lm = TestLms.builder(server).cache(true).temperature(0.0).build();

    StepVerifier.create(lm.call("q")).expectNext(List.of("cold")).expectComplete().verify(WAIT);
    StepVerifier.create(lm.withTemperature(1.0).call("q"))
        .expectNext(List.of("hot"))
        .expectComplete()
        .verify(WAIT);
    StepVerifier.create(
            lm.complete(LmRequest.ofUser("q").withTemperature(1.0)).map(LmResponse::text))
        .expectNext("hot")
        .expectComplete()
        .verify(WAIT);

    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void aGatewayCacheHitIsReportedByCacheHit() {
    server.enqueue(
        new MockResponse.Builder()
            .addHeader("Content-Type", "application/json")
            .addHeader("Helicone-Cache", "HIT")
            .addHeader("Helicone-Cache-Bucket-Idx", "0")
            .body(Sse.completion("from the gateway"))
            .build());
    LM lm = cachingLm();

    LmResponse response = lm.complete(LmRequest.ofUser("q")).block(WAIT);

    assertThat(server.getRequestCount()).isEqualTo(1);
    assertThat(response.text()).isEqualTo("from the gateway");
    assertThat(response.cacheHit()).isTrue();
  }

  @Test
  void aFailedCallIsNotCachedAndTheNextOneSendsAgain() {
    server.enqueue(
        new MockResponse.Builder().code(400).body("{\"error\":{\"message\":\"bad\"}}").build());
    enqueueCompletion("fine now");
    LM lm = cachingLm();

    StepVerifier.create(lm.call("q")).expectError().verify(WAIT);
    StepVerifier.create(lm.call("q")).expectNext(List.of("fine now")).expectComplete().verify(WAIT);

    assertThat(server.getRequestCount()).isEqualTo(2);
  }
}
