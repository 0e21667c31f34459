package dev.dspy4j.core.batch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.core.lm.LanguageModel;
import dev.dspy4j.core.lm.LmChain;
import dev.dspy4j.core.lm.LmChunk;
import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.core.lm.LmResponse;
import dev.dspy4j.core.lm.LmTransport;
import dev.dspy4j.core.lm.Usage;
import dev.dspy4j.core.ratelimit.RateLimiter;
import dev.dspy4j.core.usage.LmHistory;
import dev.dspy4j.core.usage.UsageTracker;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Heap stays flat over a million inputs: nothing grows with the number of inputs processed. */
class BatchMemoryTest {

  static final int MB = 1024 * 1024;

  /** A DummyLM: answers at once with a fixed text and usage. */
  static final class DummyLm implements LanguageModel {
    @Override
    public String model() {
      return "dummy";
    }

    @Override
    public Mono<LmResponse> complete(LmRequest request) {
      return Mono.fromSupplier(
          () -> LmResponse.builder(List.of("answer")).usage(new Usage(8, 2, 10)).build());
    }

    @Override
    public Flux<LmChunk> stream(LmRequest request) {
      return Flux.just(LmChunk.ofText("answer"), LmChunk.ofUsage(new Usage(8, 2, 10)));
    }
  }

  static long usedHeapAfterGc() {
    var memory = ManagementFactory.getMemoryMXBean();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 4; i++) {
      System.gc();
      BatchTest.sleep(50);
      used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
    }
    return used;
  }

  @Test
  void aMillionInputsThroughADummyLmKeepTheHeapFlat() {
    var limiter = RateLimiter.builder().maxConcurrent(64).build();
    var history = LmHistory.create(); // bounded: the last 10,000 calls
    LanguageModel lm =
        LmChain.builder(LmTransport.of(new DummyLm()))
            .cache(false)
            .history(history)
            .rateLimiter(limiter)
            .build();
    var tracker = UsageTracker.create();
    int n = 1_000_000;
    var midHeap = new AtomicLong();
    var lastProgress = new AtomicReference<BatchProgress>();
    var options =
        BatchOptions.builder()
            .concurrency(64)
            .expectedTotal(n)
            .onProgress(lastProgress::set)
            .build();

    long before = usedHeapAfterGc();
    long start = System.nanoTime();
    Long count =
        Batch.run(Flux.range(0, n), i -> lm.complete(LmRequest.ofUser("question " + i)), options)
            .doOnNext(
                r -> {
                  if (r.index() == n / 2) {
                    midHeap.set(usedHeapAfterGc());
                  }
                })
            .count()
            .contextWrite(tracker.context())
            .block(Duration.ofMinutes(5));
    long millis = (System.nanoTime() - start) / 1_000_000;
    long after = usedHeapAfterGc();

    System.out.printf(
        "BATCH-FIGURES 1M items via DummyLM (limiter + usage + history of %d): %d ms (%.0f items/s);"
            + " heap after GC before %.1f MB, at 500k %.1f MB, after %.1f MB (history holds %d entries)%n",
        history.capacity(),
        millis,
        n * 1000.0 / millis,
        before / (double) MB,
        midHeap.get() / (double) MB,
        after / (double) MB,
        history.size());
    assertThat(count).isEqualTo(n);
    assertThat(tracker.total().totalTokens()).isEqualTo(10L * n);
    assertThat(lastProgress.get().tokens()).isEqualTo(10L * n);
    assertThat(history.size()).isEqualTo(LmHistory.DEFAULT_CAPACITY);
    assertThat(limiter.state().inFlight()).isZero();
    // Half-way and at the end the heap holds the bounded history (a few MB), not a million results.
    assertThat(midHeap.get() - before).isLessThan(48L * MB);
    assertThat(after - before).isLessThan(48L * MB);
  }

  @Test
  void aMillionInputsThroughATrivialCallKeepTheHeapFlat() {
    int n = 1_000_000;
    var midHeap = new AtomicLong();
    var options = BatchOptions.builder().concurrency(64).ordered(false).build();

    long before = usedHeapAfterGc();
    long start = System.nanoTime();
    Long count =
        Batch.run(Flux.range(0, n), i -> Mono.just(i + 1), options)
            .doOnNext(
                r -> {
                  if (r.index() == n / 2) {
                    midHeap.set(usedHeapAfterGc());
                  }
                })
            .count()
            .block(Duration.ofMinutes(5));
    long millis = (System.nanoTime() - start) / 1_000_000;

    System.out.printf(
        "BATCH-FIGURES 1M items, trivial call, unordered: %d ms (%.0f items/s);"
            + " heap after GC before %.1f MB, at 500k %.1f MB%n",
        millis, n * 1000.0 / millis, before / (double) MB, midHeap.get() / (double) MB);
    assertThat(count).isEqualTo(n);
    assertThat(midHeap.get() - before).isLessThan(16L * MB);
  }
}
