package dev.dspy4j.core.batch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.core.lm.LanguageModel;
import dev.dspy4j.core.lm.LmChain;
import dev.dspy4j.core.lm.LmChunk;
import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.core.lm.LmResponse;
import dev.dspy4j.core.lm.LmTransport;
import dev.dspy4j.core.lm.RateLimitException;
import dev.dspy4j.core.lm.RetryPolicy;
import dev.dspy4j.core.lm.Usage;
import dev.dspy4j.core.ratelimit.RateLimiter;
import dev.dspy4j.core.usage.LmHistory;
import dev.dspy4j.core.usage.UsageTracker;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * The whole stack at once: a batch of completed and streamed calls through the limiter (with 429s
 * and retries), usage tracking and a bounded history, on Reactor's parallel threads. (Not under
 * BlockHound: BlockHound 1.0.13 on this JDK breaks the parallel workers' own queue wait with an
 * IllegalMonitorStateException, reactor/BlockHound#38, #403, which hangs unrelated tests.)
 */
class FullStackBatchTest {

  @Test
  void completedAndStreamedCallsThroughLimiterRetriesUsageAndHistoryAllFinish() {
    var calls = new AtomicInteger();
    LanguageModel server =
        new LanguageModel() {
          @Override
          public String model() {
            return "m";
          }

          @Override
          public Mono<LmResponse> complete(LmRequest request) {
            return Mono.defer(
                () ->
                    calls.incrementAndGet() % 25 == 0
                        ? Mono.<LmResponse>error(
                            new RateLimitException(
                                "429", 429, null, Duration.ofMillis(20), null, null))
                        : Mono.delay(Duration.ofMillis(2))
                            .map(
                                x ->
                                    LmResponse.builder(List.of("a"))
                                        .usage(new Usage(3, 2, 5))
                                        .headers(
                                            java.util.Map.of(
                                                "x-ratelimit-remaining-requests",
                                                "900",
                                                "x-ratelimit-limit-requests",
                                                "1000"))
                                        .build()));
          }

          @Override
          public Flux<LmChunk> stream(LmRequest request) {
            return Flux.just(LmChunk.ofText("a"), LmChunk.ofUsage(new Usage(3, 2, 5)))
                .delayElements(Duration.ofMillis(1));
          }
        };
    var limiter =
        RateLimiter.builder()
            .maxConcurrent(16)
            .requestsPerSecond(2000)
            .tokensPerMinute(10_000_000)
            .build();
    var history = LmHistory.withCapacity(100);
    LanguageModel lm =
        LmChain.builder(LmTransport.of(server))
            .cache(false)
            .history(history)
            .rateLimiter(limiter)
            .retry(RetryPolicy.builder().backoff(Duration.ofMillis(5)).maxRetries(10).build())
            .build();
    var tracker = UsageTracker.create();
    var options =
        BatchOptions.builder()
            .concurrency(32)
            .itemTimeout(Duration.ofSeconds(10))
            .progressInterval(Duration.ZERO)
            .onProgress(p -> p.summary())
            .build();

    StepVerifier.create(
            Batch.run(
                    Flux.range(0, 500),
                    i ->
                        i % 2 == 0
                            ? lm.complete(LmRequest.ofUser("q" + i)).map(LmResponse::text)
                            : lm.stream(LmRequest.ofUser("q" + i))
                                .map(LmChunk::text)
                                .reduce("", String::concat),
                    options)
                .contextWrite(tracker.context()))
        .expectNextCount(500)
        .expectComplete()
        .verify(Duration.ofSeconds(60));

    assertThat(tracker.total().calls()).isEqualTo(500);
    assertThat(history.size()).isEqualTo(100);
    assertThat(limiter.state().inFlight()).isZero();
  }
}
