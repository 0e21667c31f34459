package dev.dspy4j.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.core.Dspy;
import dev.dspy4j.core.cache.DefaultLmCache;
import dev.dspy4j.core.helicone.Helicone;
import dev.dspy4j.core.lm.LmChunk;
import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.core.lm.Usage;
import dev.dspy4j.core.usage.HistoryEntry;
import dev.dspy4j.core.usage.LmHistory;
import dev.dspy4j.core.usage.ModelUsage;
import dev.dspy4j.core.usage.UsageTracker;
import dev.dspy4j.core.usage.UsageTracking;
import dev.dspy4j.streaming.testing.MockServers;
import dev.dspy4j.streaming.testing.Sse;
import dev.dspy4j.streaming.testing.TestLms;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** Issue 8 at the LM: usage into the Context's trackers, and the LM's own history. */
class LmUsageAndHistoryTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @StartStop private final MockWebServer server = new MockWebServer();

  @BeforeEach
  void freshCacheAndNoUnexpectedRequests() {
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
            .build()); // usage 7 + 3 = 10
  }

  private void enqueueStream(String... texts) {
    server.enqueue(
        new MockResponse.Builder()
            .addHeader("Content-Type", "text/event-stream")
            .body(Sse.stream(texts))
            .build()); // usage 10 + texts.length
  }

  @Test
  void aTrackerSumsTheTokensOfRealResponsesAndCountsACacheHitAsZero() {
    enqueueCompletion("one");
    enqueueStream("t", "w", "o");
    LM lm = TestLms.builder(server).cache(true).build();
    UsageTracker tracker = UsageTracker.create();

    Mono<String> pipeline =
        lm.complete(LmRequest.ofUser("first"))
            .then(lm.stream(LmRequest.ofUser("second")).then())
            .then(lm.complete(LmRequest.ofUser("first"))) // answered by the cache
            .map(r -> r.text())
            .contextWrite(tracker.context());
    StepVerifier.create(pipeline).expectNext("one").expectComplete().verify(WAIT);

    assertThat(server.getRequestCount()).isEqualTo(2);
    assertThat(tracker.byModel()).containsOnlyKeys("gpt-4o-mini");
    // 7 + 3 from the completion, 10 + 3 from the stream's usage chunk, nothing from the hit.
    assertThat(tracker.byModel().get("gpt-4o-mini")).isEqualTo(new ModelUsage(3, 1, 17, 6, 23));
  }

  @Test
  void aStreamReplayedFromTheCacheCountsAsAHit() {
    enqueueStream("a", "b");
    LM lm = TestLms.builder(server).cache(true).build();
    lm.stream(LmRequest.ofUser("q")).blockLast(WAIT);

    var tracked = UsageTracking.track(lm.stream(LmRequest.ofUser("q")).collectList()).block(WAIT);

    assertThat(tracked.value()).singleElement().satisfies(c -> assertThat(c.cacheHit()).isTrue());
    assertThat(tracked.usage().get("gpt-4o-mini")).isEqualTo(new ModelUsage(1, 1, 0, 0, 0));
  }

  @Test
  void withoutATrackerNothingIsRecordedAndTheCallWorks() {
    enqueueCompletion("fine");
    LM lm = TestLms.builder(server).build();
    StepVerifier.create(lm.call("q")).expectNext(List.of("fine")).expectComplete().verify(WAIT);
  }

  @Test
  void theHistoryHoldsEachCallWithoutTheApiKeyOrOtherCredentials() {
    enqueueCompletion("answer one");
    enqueueStream("str", "eamed");
    LM lm =
        TestLms.builder(server)
            .temperature(0.2)
            .header("Helicone-Auth", "Bearer sk-helicone-private-77")
            .build();

    lm.complete(LmRequest.ofUser("question one")).contextWrite(Helicone.user("user-9")).block(WAIT);
    lm.stream(LmRequest.ofUser("question two")).blockLast(WAIT);

    List<HistoryEntry> entries = lm.history().entries();
    assertThat(entries).hasSize(2);
    HistoryEntry first = entries.get(0);
    assertThat(first.model()).isEqualTo("gpt-4o-mini");
    assertThat(first.messages().get(0).content()).isEqualTo("question one");
    assertThat(first.outputs()).containsExactly("answer one");
    assertThat(first.usage()).isEqualTo(new Usage(7, 3, 10));
    assertThat(first.kwargs()).containsEntry("temperature", 0.2);
    @SuppressWarnings("unchecked")
    Map<String, String> headers = (Map<String, String>) first.kwargs().get("headers");
    assertThat(headers)
        .containsEntry("Helicone-User-Id", "user-9")
        .containsEntry("Helicone-Auth", "[REDACTED]");
    HistoryEntry second = entries.get(1);
    assertThat(second.outputs()).containsExactly("streamed");
    assertThat(second.usage()).isEqualTo(new Usage(10, 2, 12));
    for (HistoryEntry entry : entries) {
      assertThat(entry.toString())
          .doesNotContain(TestLms.API_KEY)
          .doesNotContain("sk-helicone-private-77");
    }
  }

  @Test
  void aCacheHitIsInTheHistoryAsAHitWithoutUsage() {
    enqueueCompletion("once");
    LM lm = TestLms.builder(server).cache(true).build();
    lm.call("q").block(WAIT);
    lm.call("q").block(WAIT);

    assertThat(lm.history().entries())
        .extracting(HistoryEntry::cacheHit)
        .containsExactly(false, true);
    assertThat(lm.history().entries().get(1).usage()).isEqualTo(Usage.ZERO);
  }

  @Test
  void aDisabledHistoryKeepsNothingAndASharedOneCollectsFromEveryLm() {
    enqueueCompletion("a");
    enqueueCompletion("b");
    enqueueStream("c");
    LM quiet = TestLms.builder(server).history(LmHistory.disabled()).build();
    LmHistory shared = LmHistory.withCapacity(10);
    LM recorded = TestLms.builder(server).history(shared).build();

    quiet.call("q1").block(WAIT);
    recorded.call("q2").block(WAIT);
    recorded.withTemperature(0.5).stream(LmRequest.ofUser("q3")).map(LmChunk::text).blockLast(WAIT);

    assertThat(quiet.history().isEnabled()).isFalse();
    assertThat(quiet.history().entries()).isEmpty();
    assertThat(recorded.history()).isSameAs(shared);
    assertThat(shared.entries()).hasSize(2);
  }

  @Test
  void aFailedCallLeavesNoHistoryEntry() {
    server.enqueue(
        new MockResponse.Builder().code(400).body("{\"error\":{\"message\":\"bad\"}}").build());
    LM lm = TestLms.builder(server).build();
    StepVerifier.create(lm.call("q")).expectError().verify(WAIT);
    assertThat(lm.history().entries()).isEmpty();
  }
}
