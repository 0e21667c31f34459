package dev.dspy4j.core.usage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.core.lm.LanguageModel;
import dev.dspy4j.core.lm.LmChain;
import dev.dspy4j.core.lm.LmChunk;
import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.core.lm.LmResponse;
import dev.dspy4j.core.lm.LmTransport;
import dev.dspy4j.core.lm.RetryPolicy;
import dev.dspy4j.core.lm.Usage;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

class UsageTrackerTest {

  /**
   * An LM answering every call with {@code usage}; a prompt starting with "cached" is a cache hit.
   */
  /**
   * {@code lm} as the transport of a chain without cache, history or retries: only its record link
   * counts.
   */
  static LanguageModel tracked(LanguageModel lm) {
    return LmChain.builder(LmTransport.of(lm))
        .cache(false)
        .history(LmHistory.disabled())
        .retry(RetryPolicy.none())
        .build();
  }

  static LanguageModel fakeLm(String model, Usage usage) {
    return new LanguageModel() {
      @Override
      public String model() {
        return model;
      }

      @Override
      public Mono<LmResponse> complete(LmRequest request) {
        boolean cached = request.messages().get(0).content().startsWith("cached");
        return Mono.fromSupplier(
            () ->
                LmResponse.builder(List.of("answer"))
                    .usage(cached ? Usage.ZERO : usage)
                    .cacheHit(cached)
                    .build());
      }

      @Override
      public Flux<LmChunk> stream(LmRequest request) {
        if (request.messages().get(0).content().startsWith("cached")) {
          return Flux.just(LmChunk.cacheReplay(0, "answer", "stop"));
        }
        return Flux.just(LmChunk.ofText("ans"), LmChunk.ofText("wer"), LmChunk.ofUsage(usage));
      }
    };
  }

  @Test
  void sumsTokensPerModelOverAPipelineAndCacheHitsAddNone() {
    var mini = tracked(fakeLm("gpt-4o-mini", new Usage(100, 20, 120)));
    var big = tracked(fakeLm("gpt-4o", new Usage(1000, 50, 1050)));
    var tracker = UsageTracker.create();

    Mono<String> pipeline =
        mini.call("q1")
            .then(mini.call("cached q1"))
            .then(big.call("q2"))
            .then(mini.call("q3"))
            .thenReturn("done");
    StepVerifier.create(pipeline.contextWrite(tracker.context()))
        .expectNext("done")
        .expectComplete()
        .verify(Duration.ofSeconds(5));

    assertThat(tracker.byModel())
        .containsExactly(
            java.util.Map.entry("gpt-4o", new ModelUsage(1, 0, 1000, 50, 1050)),
            java.util.Map.entry("gpt-4o-mini", new ModelUsage(3, 1, 200, 40, 240)));
    assertThat(tracker.total()).isEqualTo(new ModelUsage(4, 1, 1200, 90, 1290));
  }

  @Test
  void streamedCallsRecordTheirUsageChunkOnce() {
    var lm = tracked(fakeLm("m", new Usage(7, 3, 10)));
    var tracker = UsageTracker.create();

    StepVerifier.create(
            lm.tokens("hello")
                .then(lm.tokens("cached hello").then())
                .contextWrite(tracker.context()))
        .expectComplete()
        .verify(Duration.ofSeconds(5));

    assertThat(tracker.byModel().get("m")).isEqualTo(new ModelUsage(2, 1, 7, 3, 10));
  }

  @Test
  void nestedTrackersEachSeeTheCallsBeneathThem() {
    var lm = tracked(fakeLm("m", new Usage(1, 1, 2)));
    var outer = UsageTracker.create();
    var inner = UsageTracker.create();

    Mono<Void> pipeline = lm.call("a").then(lm.call("b").contextWrite(inner.context())).then();
    StepVerifier.create(pipeline.contextWrite(outer.context()))
        .expectComplete()
        .verify(Duration.ofSeconds(5));

    assertThat(outer.total().calls()).isEqualTo(2);
    assertThat(inner.total().calls()).isEqualTo(1);
  }

  @Test
  void withoutATrackerInTheContextRecordingDoesNothing() {
    var lm = tracked(fakeLm("m", new Usage(1, 1, 2)));

    StepVerifier.create(lm.call("a"))
        .expectNext(List.of("answer"))
        .expectComplete()
        .verify(Duration.ofSeconds(5));
    assertThat(UsageTracking.trackers(reactor.util.context.Context.empty())).isEmpty();
  }

  @Test
  void trackReturnsTheValueWithTheUsageOfThatPipelineOnly() {
    var lm = tracked(fakeLm("m", new Usage(5, 5, 10)));

    StepVerifier.create(UsageTracking.track(lm.call("a").then(lm.call("b"))))
        .assertNext(
            tracked -> {
              assertThat(tracked.value()).containsExactly("answer");
              assertThat(tracked.usage()).containsOnlyKeys("m");
              assertThat(tracked.totalUsage()).isEqualTo(new ModelUsage(2, 0, 10, 10, 20));
            })
        .expectComplete()
        .verify(Duration.ofSeconds(5));
  }

  @Test
  void concurrentCallsAreCountedExactly() {
    var lm = tracked(fakeLm("m", new Usage(3, 1, 4)));
    var tracker = UsageTracker.create();

    Flux.range(0, 10_000)
        .parallel(4)
        .runOn(Schedulers.parallel())
        .flatMap(i -> lm.call("q" + i))
        .sequential()
        .then()
        .contextWrite(tracker.context())
        .block(Duration.ofSeconds(30));

    assertThat(tracker.total()).isEqualTo(new ModelUsage(10_000, 0, 30_000, 10_000, 40_000));
  }

  @Test
  void theSameTrackerWrittenTwiceCountsOnce() {
    var lm = tracked(fakeLm("m", new Usage(1, 1, 2)));
    var tracker = UsageTracker.create();

    StepVerifier.create(
            lm.call("a").contextWrite(tracker.context()).contextWrite(tracker.context()))
        .expectNextCount(1)
        .expectComplete()
        .verify(Duration.ofSeconds(5));

    assertThat(tracker.total().calls()).isEqualTo(1);
  }
}
