package dev.dspy4j.core.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.core.lm.LmResponse;
import dev.dspy4j.core.lm.Message;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * A plain timed loop (not JMH): the median over batches of the per-operation time of a memory hit.
 * The bounds asserted are ten times the target so that a loaded machine never fails the build; the
 * figures printed are the ones to read.
 */
class MemoryHitBenchmarkTest {

  private static final int BATCHES = 200;
  private static final int OPS_PER_BATCH = 2_000;

  private final DefaultLmCache cache = DefaultLmCache.builder().build();
  private final LmRequest request =
      LmRequest.builder(
              List.of(
                  Message.system(
                      "Your input fields are:\n1. `question` (str):\nYour output fields are:\n1. `answer` (str):"),
                  Message.user(
                      "[[ ## question ## ]]\nWhat is the capital of France?\n\nRespond with the corresponding output fields.")))
          .temperature(0.0)
          .maxTokens(1000)
          .build();
  private final CacheKey key = CacheKey.of("gpt-4o-mini", request);
  private final AtomicReference<LmResponse> sink = new AtomicReference<>();

  @Test
  void memoryHitCostsMicroseconds() {
    cache.put(key, LmResponse.of("Paris")).block(Duration.ofSeconds(10));
    Supplier<Mono<LmResponse>> network =
        () -> Mono.error(new AssertionError("a hit must not call the network"));

    Timing get = measure(() -> cache.get(key).subscribe(sink::set));
    Timing call =
        measure(
            () ->
                ChainCache.complete(cache, "gpt-4o-mini", request, true, network)
                    .subscribe(sink::set));

    System.out.printf(
        "memory hit, LmCache.get(key): median %.2f µs wall, %.2f µs CPU%n",
        get.wallMicros, get.cpuMicros);
    System.out.printf(
        "memory hit, the chain's cache link (key hashing included): median %.2f µs wall, %.2f µs CPU%n",
        call.wallMicros, call.cpuMicros);
    assertThat(sink.get().text()).isEqualTo("Paris");
    assertThat(sink.get().cacheHit()).isTrue();
    assertThat(get.wallMicros).isLessThan(50.0);
    assertThat(call.wallMicros).isLessThan(500.0);
  }

  /**
   * Median per-operation wall-clock and thread-CPU time (CPU time leaves out preemption by other
   * processes).
   */
  private record Timing(double wallMicros, double cpuMicros) {}

  private static Timing measure(Runnable op) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    boolean cpu = threads.isCurrentThreadCpuTimeSupported();
    for (int i = 0; i < 50_000; i++) op.run(); // warm-up for the JIT
    double[] wall = new double[BATCHES];
    double[] cpuTime = new double[BATCHES];
    for (int b = 0; b < BATCHES; b++) {
      long cpuStart = cpu ? threads.getCurrentThreadCpuTime() : 0;
      long start = System.nanoTime();
      for (int i = 0; i < OPS_PER_BATCH; i++) op.run();
      wall[b] = (System.nanoTime() - start) / (double) OPS_PER_BATCH / 1_000.0;
      cpuTime[b] =
          cpu
              ? (threads.getCurrentThreadCpuTime() - cpuStart) / (double) OPS_PER_BATCH / 1_000.0
              : Double.NaN;
    }
    Arrays.sort(wall);
    Arrays.sort(cpuTime);
    return new Timing(wall[BATCHES / 2], cpuTime[BATCHES / 2]);
  }
}
