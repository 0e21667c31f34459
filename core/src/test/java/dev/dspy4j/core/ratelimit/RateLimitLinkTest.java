package dev.dspy4j.core.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.core.lm.LanguageModel;
import dev.dspy4j.core.lm.LmChain;
import dev.dspy4j.core.lm.LmChunk;
import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.core.lm.LmResponse;
import dev.dspy4j.core.lm.LmTransport;
import dev.dspy4j.core.lm.RateLimitException;
import dev.dspy4j.core.lm.RetryPolicy;
import dev.dspy4j.core.lm.StreamInterruptedException;
import dev.dspy4j.core.lm.Usage;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.publisher.TestPublisher;

/** The rate-limit link of an {@link LmChain}: a permit per attempt, released on every outcome. */
class RateLimitLinkTest {

  /**
   * {@code lm} as the transport of a chain limited by {@code limiter}, without cache or retries.
   */
  static LanguageModel limited(LanguageModel lm, RateLimiter limiter) {
    return limited(lm, limiter, RetryPolicy.none());
  }

  static LanguageModel limited(LanguageModel lm, RateLimiter limiter, RetryPolicy retry) {
    return LmChain.builder(LmTransport.of(lm))
        .cache(false)
        .rateLimiter(limiter)
        .retry(retry)
        .build();
  }

  /** An LM whose streams are given by a function of the attempt number (from 1). */
  static LanguageModel streamingLm(Function<Integer, Flux<LmChunk>> streams) {
    var attempts = new AtomicInteger();
    return new LanguageModel() {
      @Override
      public String model() {
        return "fake";
      }

      @Override
      public Mono<LmResponse> complete(LmRequest request) {
        return Mono.just(LmResponse.of("answer"));
      }

      @Override
      public Flux<LmChunk> stream(LmRequest request) {
        return streams.apply(attempts.incrementAndGet());
      }
    };
  }

  @Test
  void streamHoldsThePermitUntilTheStreamCompletes() {
    var upstream = TestPublisher.<LmChunk>create();
    var limiter = RateLimiter.builder().maxConcurrent(1).build();
    var lm = limited(streamingLm(attempt -> upstream.flux()), limiter);

    StepVerifier.create(lm.stream(LmRequest.ofUser("hi")))
        .then(() -> upstream.next(LmChunk.ofText("Hel")))
        .expectNext(LmChunk.ofText("Hel"))
        .then(() -> assertThat(limiter.state().inFlight()).isEqualTo(1))
        .then(() -> upstream.next(LmChunk.ofText("lo")))
        .expectNext(LmChunk.ofText("lo"))
        .then(() -> assertThat(limiter.state().inFlight()).isEqualTo(1))
        .then(() -> upstream.next(LmChunk.ofUsage(new Usage(3, 2, 5))).complete())
        .expectNextCount(1)
        .expectComplete()
        .verify(Duration.ofSeconds(5));

    assertThat(limiter.state().inFlight()).isZero();
  }

  @Test
  void cancellingAStreamReleasesItsPermitAndClosesTheUpstream() {
    var upstream = TestPublisher.<LmChunk>create();
    var limiter = RateLimiter.builder().maxConcurrent(1).build();
    var lm = limited(streamingLm(attempt -> upstream.flux()), limiter);

    StepVerifier.create(lm.stream(LmRequest.ofUser("hi")))
        .then(() -> upstream.next(LmChunk.ofText("Hel")))
        .expectNextCount(1)
        .thenCancel()
        .verify(Duration.ofSeconds(5));

    upstream.assertCancelled();
    assertThat(limiter.state().inFlight()).isZero();
  }

  @Test
  void aStreamThatErrorsReleasesItsPermit() {
    var limiter = RateLimiter.builder().maxConcurrent(1).build();
    var lm =
        limited(streamingLm(attempt -> Flux.error(new IllegalStateException("reset"))), limiter);

    StepVerifier.create(lm.stream(LmRequest.ofUser("hi")))
        .expectErrorMessage("reset")
        .verify(Duration.ofSeconds(5));

    assertThat(limiter.state().inFlight()).isZero();
  }

  @Test
  void aStreamRateLimitedBeforeItsFirstChunkIsRetried() {
    var limiter = RateLimiter.builder().build();
    var lm =
        limited(
            streamingLm(
                attempt ->
                    attempt == 1
                        ? Flux.error(
                            new RateLimitException(
                                "429", 429, null, Duration.ofMillis(10), null, null))
                        : Flux.just(LmChunk.ofText("ok"))),
            limiter,
            RetryPolicy.builder().backoff(Duration.ofMillis(10)).build());

    StepVerifier.create(lm.stream(LmRequest.ofUser("hi")))
        .expectNext(LmChunk.ofText("ok"))
        .expectComplete()
        .verify(Duration.ofSeconds(5));
  }

  /**
   * Unified with the LM: an interruption after text is a StreamInterruptedException (it passed
   * through as is before).
   */
  @Test
  void aStreamThatFailsAfterAChunkIsNotRetried() {
    var limiter = RateLimiter.builder().build();
    var attempts = new AtomicInteger();
    var lm =
        limited(
            streamingLm(
                attempt -> {
                  attempts.set(attempt);
                  return Flux.just(LmChunk.ofText("part"))
                      .concatWith(
                          Flux.error(new RateLimitException("429", 429, null, null, null, null)));
                }),
            limiter,
            RetryPolicy.builder().backoff(Duration.ofMillis(10)).build());

    StepVerifier.create(lm.stream(LmRequest.ofUser("hi")))
        .expectNext(LmChunk.ofText("part"))
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(StreamInterruptedException.class)
                    .hasCauseInstanceOf(RateLimitException.class)
                    .satisfies(
                        x ->
                            assertThat(((StreamInterruptedException) x).partialText())
                                .isEqualTo("part")))
        .verify(Duration.ofSeconds(5));
    assertThat(attempts.get()).isEqualTo(1);
  }

  @Test
  void aStreamedCacheReplayDoesNotCountAsTheServerKeepingUp() {
    var limiter = RateLimiter.builder().recoveryStep(0.5).build();
    limiter.onRateLimited(new RateLimitException("429", 429, null, null, null, null));
    var lm =
        limited(
            streamingLm(attempt -> Flux.just(LmChunk.cacheReplay(0, "cached answer", "stop"))),
            limiter);

    StepVerifier.create(lm.stream(LmRequest.ofUser("hi")))
        .expectNextCount(1)
        .expectComplete()
        .verify(Duration.ofSeconds(5));

    assertThat(limiter.state().pace()).isEqualTo(0.5);
    assertThat(limiter.state().inFlight()).isZero();
  }

  @Test
  void aStreamedAnswerCountsAsTheServerKeepingUp() {
    var limiter = RateLimiter.builder().recoveryStep(0.5).build();
    limiter.onRateLimited(new RateLimitException("429", 429, null, null, null, null));
    var lm =
        limited(
            streamingLm(
                attempt -> Flux.just(LmChunk.ofText("fresh"), LmChunk.ofUsage(new Usage(1, 1, 2)))),
            limiter);

    StepVerifier.create(lm.stream(LmRequest.ofUser("hi")))
        .expectNextCount(2)
        .expectComplete()
        .verify(Duration.ofSeconds(5));

    assertThat(limiter.state().pace()).isEqualTo(1.0);
  }

  @Test
  void completeGoesThroughTheLimiterAndKeepsTheModelName() {
    var limiter = RateLimiter.builder().build();
    var lm = limited(streamingLm(attempt -> Flux.empty()), limiter);

    StepVerifier.create(lm.call("hi"))
        .expectNext(java.util.List.of("answer"))
        .expectComplete()
        .verify(Duration.ofSeconds(5));
    assertThat(lm.model()).isEqualTo("fake");
    assertThat(limiter.state().inFlight()).isZero();
  }
}
