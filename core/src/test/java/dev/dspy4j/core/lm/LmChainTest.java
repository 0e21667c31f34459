package dev.dspy4j.core.lm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.core.cache.CacheKey;
import dev.dspy4j.core.cache.DefaultLmCache;
import dev.dspy4j.core.cache.LmCache;
import dev.dspy4j.core.helicone.Helicone;
import dev.dspy4j.core.usage.LmHistory;
import dev.dspy4j.core.usage.UsageTracker;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * A transport written in a few lines gets cache, history, usage and retries from {@link LmChain}.
 */
class LmChainTest {

  private static final Duration WAIT = Duration.ofSeconds(5);

  /**
   * The custom transport: upper-cases the last message; its first {@code failures} attempts fail
   * with a 503.
   */
  static class ShoutingTransport implements LmTransport {
    final AtomicInteger attempts = new AtomicInteger();
    final List<LmRequest> sent = new CopyOnWriteArrayList<>();
    final int failures;

    ShoutingTransport(int failures) {
      this.failures = failures;
    }

    @Override
    public String model() {
      return "shout";
    }

    @Override
    public Mono<LmResponse> send(LmRequest r) {
      return Mono.defer(
          () -> {
            sent.add(r);
            if (attempts.incrementAndGet() <= failures) {
              return Mono.error(new ServerException("503 busy", 503, null, null, null, null));
            }
            String text = r.messages().get(r.messages().size() - 1).content().toUpperCase();
            return Mono.just(
                LmResponse.builder(List.of(text))
                    .usage(new Usage(5, 2, 7))
                    .finishReason("stop")
                    .build());
          });
    }

    @Override
    public Flux<LmChunk> sendStream(LmRequest r) {
      return send(r)
          .flatMapMany(
              res ->
                  Flux.just(
                      LmChunk.of(0, res.text(), null, "stop", null), LmChunk.ofUsage(res.usage())));
    }
  }

  private final LmCache cache = DefaultLmCache.builder().build();

  @Test
  void aCustomTransportGetsCachingHistoryUsageAndRetries() {
    var transport = new ShoutingTransport(2);
    var clock = VirtualTimeScheduler.create();
    var history = LmHistory.create();
    LanguageModel lm =
        LmChain.builder(transport)
            .cacheStore(cache)
            .history(history)
            .retry(RetryPolicy.builder().scheduler(clock).build())
            .build();
    var tracker = UsageTracker.create();

    // Retries: two 503s, then the answer, after the backoffs in virtual time.
    StepVerifier.withVirtualTime(
            () -> lm.complete(LmRequest.ofUser("hello")).contextWrite(tracker.context()),
            () -> clock,
            Long.MAX_VALUE)
        .expectSubscription()
        .thenAwait(Duration.ofSeconds(10))
        .assertNext(r -> assertThat(r.text()).isEqualTo("HELLO"))
        .expectComplete()
        .verify(WAIT);
    assertThat(transport.attempts).hasValue(3);

    // Caching: the same request again, streamed, is a hit; nothing is sent.
    StepVerifier.create(lm.stream(LmRequest.ofUser("hello")).contextWrite(tracker.context()))
        .assertNext(c -> assertThat(c.cacheHit()).isTrue())
        .expectComplete()
        .verify(WAIT);
    assertThat(transport.attempts).hasValue(3);

    // Usage: one call with tokens, one cache hit without.
    assertThat(tracker.byModel().get("shout").calls()).isEqualTo(2);
    assertThat(tracker.byModel().get("shout").cacheHits()).isEqualTo(1);
    assertThat(tracker.total().totalTokens()).isEqualTo(7);

    // History: both calls, the second one a hit.
    assertThat(history.entries()).hasSize(2);
    assertThat(history.entries().get(0).outputs()).containsExactly("HELLO");
    assertThat(history.entries().get(0).usage()).isEqualTo(new Usage(5, 2, 7));
    assertThat(history.entries().get(1).cacheHit()).isTrue();
  }

  @Test
  void aStreamIsRetriedBeforeItsFirstTextAndInterruptedAfterIt() {
    var streamAttempts = new AtomicInteger();
    LmTransport flaky =
        new ShoutingTransport(0) {
          @Override
          public Flux<LmChunk> sendStream(LmRequest r) {
            return Flux.defer(
                () ->
                    streamAttempts.incrementAndGet() == 1
                        ? Flux.error(new ServerException("502", 502, null, null, null, null))
                        : Flux.just(LmChunk.ofText("Hel"), LmChunk.ofText("lo"))
                            .concatWith(
                                Flux.error(
                                    new ConnectionException("reset", 0, null, null, null, null))));
          }
        };
    var clock = VirtualTimeScheduler.create();
    var history = LmHistory.create();
    LanguageModel lm =
        LmChain.builder(flaky)
            .cache(false)
            .history(history)
            .retry(RetryPolicy.builder().scheduler(clock).build())
            .build();

    StepVerifier.withVirtualTime(
            () -> lm.stream(LmRequest.ofUser("hi")), () -> clock, Long.MAX_VALUE)
        .expectSubscription()
        .thenAwait(Duration.ofSeconds(2))
        .expectNext(LmChunk.ofText("Hel"), LmChunk.ofText("lo"))
        .expectErrorSatisfies(
            e -> {
              assertThat(e)
                  .isInstanceOf(StreamInterruptedException.class)
                  .hasCauseInstanceOf(ConnectionException.class);
              assertThat(((StreamInterruptedException) e).partialText()).isEqualTo("Hello");
            })
        .verify(WAIT);
    assertThat(streamAttempts).hasValue(2);
    assertThat(history.entries()).as("a failed call is not in the history").isEmpty();
  }

  @Test
  void withRetriesOffTheChunksMeetOneOperatorWhichStillFinishesTheFailure() {
    var subscribers = new CopyOnWriteArrayList<String>();
    var attempt = new AtomicInteger();
    LmTransport transport =
        new ShoutingTransport(0) {
          @Override
          public Flux<LmChunk> sendStream(LmRequest r) {
            Flux<LmChunk> chunks =
                attempt.incrementAndGet() == 1
                    ? Flux.error(new ServerException("502", 502, null, null, null, null))
                    : Flux.just(LmChunk.ofText("Hel"))
                        .concatWith(
                            Flux.error(
                                new ConnectionException("reset", 0, null, null, null, null)));
            return new Flux<>() {
              @Override
              public void subscribe(reactor.core.CoreSubscriber<? super LmChunk> actual) {
                subscribers.add(actual.getClass().getName());
                chunks.subscribe(actual);
              }
            };
          }
        };
    LanguageModel lm =
        LmChain.builder(transport)
            .cache(false)
            .retry(RetryPolicy.builder().maxRetries(0).build())
            .build();

    // Before any text: the failure with the retries-off note, as a retried call would have a note.
    StepVerifier.create(lm.stream(LmRequest.ofUser("hi")))
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(ServerException.class)
                    .hasMessageContaining("not retried, retries are off"))
        .verify(WAIT);
    // After text: an interruption carrying the text.
    StepVerifier.create(lm.stream(LmRequest.ofUser("hi")))
        .expectNext(LmChunk.ofText("Hel"))
        .expectErrorSatisfies(
            e -> {
              assertThat(e)
                  .isInstanceOf(StreamInterruptedException.class)
                  .hasCauseInstanceOf(ConnectionException.class);
              assertThat(((StreamInterruptedException) e).partialText()).isEqualTo("Hel");
            })
        .verify(WAIT);
    // Every chunk goes from the transport straight into the record link's one operator.
    assertThat(subscribers)
        .hasSize(2)
        .allSatisfy(name -> assertThat(name).endsWith("RecordLink$TrackingSubscriber"));
  }

  @Test
  void theContextsHeliconeHeadersReachAPlainTransport() {
    var transport = new ShoutingTransport(0);
    LanguageModel lm = LmChain.builder(transport).cache(false).build();

    StepVerifier.create(lm.complete(LmRequest.ofUser("hi")).contextWrite(Helicone.user("alice")))
        .expectNextCount(1)
        .expectComplete()
        .verify(WAIT);

    assertThat(transport.sent.get(0).headers().asMap()).containsEntry("Helicone-User-Id", "alice");

    // The request's own header wins, whatever its case, and is not doubled.
    StepVerifier.create(
            lm.complete(LmRequest.ofUser("hi").withHeader("helicone-user-id", "bob"))
                .contextWrite(Helicone.user("alice")))
        .expectNextCount(1)
        .expectComplete()
        .verify(WAIT);
    assertThat(transport.sent.get(1).headers().asMap())
        .containsExactly(java.util.Map.entry("helicone-user-id", "bob"));
  }

  @Test
  void aFailedLeaderReleasesTheCacheKey() {
    var abandoned = new CopyOnWriteArrayList<CacheKey>();
    LmCache locking =
        new LmCache() {
          @Override
          public Mono<LmResponse> get(CacheKey key) {
            return Mono.empty();
          }

          @Override
          public Mono<Void> put(CacheKey key, LmResponse response) {
            return Mono.empty();
          }

          @Override
          public Mono<Void> abandon(CacheKey key) {
            return Mono.fromRunnable(() -> abandoned.add(key));
          }
        };
    LanguageModel lm =
        LmChain.builder(new ShoutingTransport(10))
            .cacheStore(locking)
            .retry(RetryPolicy.none())
            .build();
    StepVerifier.create(lm.complete(LmRequest.ofUser("a")))
        .expectError(ServerException.class)
        .verify(WAIT);
    assertThat(abandoned).hasSize(1);

    var never = Sinks.<LmChunk>many().unicast().<LmChunk>onBackpressureBuffer();
    LanguageModel hanging =
        LmChain.builder(
                new ShoutingTransport(0) {
                  @Override
                  public Flux<LmChunk> sendStream(LmRequest r) {
                    return never.asFlux();
                  }
                })
            .cacheStore(locking)
            .build();
    StepVerifier.create(hanging.stream(LmRequest.ofUser("b"))).thenCancel().verify(WAIT);
    assertThat(abandoned).as("a cancelled leader releases the key too").hasSize(2);
  }

  @Test
  void theBuilderKeepsTheDefaultTemperatureAndAPlainLanguageModelCanBeAdapted() {
    LanguageModel inner = LmChain.builder(new ShoutingTransport(0)).cache(false).build();
    var history = LmHistory.create();
    LmChain outer =
        LmChain.builder(LmTransport.of(inner))
            .cache(false)
            .history(history)
            .temperature(0.3)
            .build();

    StepVerifier.create(outer.call("x")).expectNext(List.of("X")).expectComplete().verify(WAIT);
    assertThat(outer.temperature()).hasValue(0.3);
    assertThat(outer.model()).isEqualTo("shout");
    assertThat(history.size()).isEqualTo(1);
  }
}
