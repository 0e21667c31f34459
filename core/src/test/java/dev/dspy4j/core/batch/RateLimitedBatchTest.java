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
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.test.scheduler.VirtualTimeScheduler;

/** A batch against a fake server that rate-limits every request during a stretch of time. */
class RateLimitedBatchTest {

  /**
   * Answers after {@code latency}, except that requests arriving in [{@code limitedFrom}, {@code
   * limitedUntil}) get a 429 with {@code Retry-After: 300 ms}. Records each arrival time.
   */
  static final class ThrottlingServer implements LanguageModel {
    final Scheduler clock;
    final Duration latency;
    final long limitedFrom;
    final long limitedUntil;
    final List<Long> arrivals = new CopyOnWriteArrayList<>();
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger peakInFlight = new AtomicInteger();
    final AtomicInteger rateLimited = new AtomicInteger();

    ThrottlingServer(Scheduler clock, Duration latency, long limitedFrom, long limitedUntil) {
      this.clock = clock;
      this.latency = latency;
      this.limitedFrom = limitedFrom;
      this.limitedUntil = limitedUntil;
    }

    @Override
    public String model() {
      return "throttled-model";
    }

    @Override
    public Mono<LmResponse> complete(LmRequest request) {
      return Mono.defer(
          () -> {
            long now = clock.now(TimeUnit.MILLISECONDS);
            arrivals.add(now);
            if (now >= limitedFrom && now < limitedUntil) {
              rateLimited.incrementAndGet();
              return Mono.error(
                  new RateLimitException(
                      "429 Too Many Requests",
                      429,
                      null,
                      Duration.ofMillis(300),
                      "rate limited",
                      null));
            }
            peakInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            // In flight until the answer is sent (before the caller sees it), or cancelled.
            return Mono.delay(latency, clock)
                .doOnSuccess(x -> inFlight.decrementAndGet())
                .doOnCancel(inFlight::decrementAndGet)
                .map(
                    x ->
                        LmResponse.builder(
                                List.of("answer to " + request.messages().get(0).content()))
                            .usage(new Usage(10, 2, 12))
                            .build());
          });
    }

    @Override
    public Flux<LmChunk> stream(LmRequest request) {
      return Flux.error(new UnsupportedOperationException("not streamed in this test"));
    }

    long arrivalsBetween(long from, long until) {
      return arrivals.stream().filter(t -> t >= from && t < until).count();
    }
  }

  @Test
  void aStretchOf429sMakesTheLimiterBackOffAndTheRunStillCompletesEveryItem() {
    var clock = VirtualTimeScheduler.create();
    var server = new ThrottlingServer(clock, Duration.ofMillis(50), 1000, 2000);
    var limiter = RateLimiter.builder().maxConcurrent(32).scheduler(clock).build();
    // Jitter as the old rate-limit retry (a stretch of up to 50 %): waits spread over [0.5, 1] of
    // the backoff.
    var retry =
        RetryPolicy.builder()
            .maxRetries(20)
            .backoff(Duration.ofMillis(100))
            .maxBackoff(Duration.ofSeconds(2))
            .scheduler(clock)
            .build();
    LanguageModel lm =
        LmChain.builder(LmTransport.of(server))
            .cache(false)
            .history(LmHistory.disabled())
            .rateLimiter(limiter)
            .retry(retry)
            .build();
    var options = BatchOptions.builder().concurrency(64).scheduler(clock).build();
    int n = 2000;
    var outputs = new CopyOnWriteArrayList<String>();
    var error = new AtomicReference<Throwable>();
    var paceDuringStretch = new AtomicReference<Double>();
    clock.schedule(
        () -> paceDuringStretch.set(limiter.state().pace()), 1500, TimeUnit.MILLISECONDS);

    Batch.outputs(
            Flux.range(0, n), i -> lm.complete(LmRequest.ofUser("q" + i)).map(LmResponse::text), 64)
        .subscribe(outputs::add, error::set);
    clock.advanceTimeBy(Duration.ofMinutes(5));

    long before = server.arrivalsBetween(0, 1000);
    long during = server.arrivalsBetween(1000, 2000);
    long after = server.arrivalsBetween(2000, 3000);
    System.out.printf(
        "BATCH-FIGURES 429 stretch: requests started per second before %d, during %d, after %d;"
            + " 429s %d; pace at 1.5 s %.3f; peak in flight %d; finished at %d ms%n",
        before,
        during,
        after,
        server.rateLimited.get(),
        paceDuringStretch.get(),
        server.peakInFlight.get(),
        server.arrivals.get(server.arrivals.size() - 1));
    assertThat(error.get()).isNull();
    assertThat(outputs)
        .containsExactlyElementsOf(IntStream.range(0, n).mapToObj(i -> "answer to q" + i).toList());
    assertThat(during).isLessThan(before / 4);
    assertThat(paceDuringStretch.get()).isLessThan(0.5);
    assertThat(server.peakInFlight.get()).isLessThanOrEqualTo(32);
    assertThat(limiter.state().inFlight()).isZero();
  }
}
