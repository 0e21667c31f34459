package dev.dspy4j.core.batch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.core.lm.Usage;
import dev.dspy4j.core.usage.UsageTracker;
import dev.dspy4j.core.usage.UsageTracking;
import java.time.Duration;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

class BatchTest {

  /**
   * A call that takes {@code delay} and counts how many calls run at once: a call is in flight from
   * its subscription until it emits its result (or errors, or is cancelled).
   */
  static final class DelayingCall implements Function<Integer, Mono<Integer>> {
    final Duration delay;
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger peak = new AtomicInteger();
    final AtomicInteger started = new AtomicInteger();
    final AtomicInteger cancelled = new AtomicInteger();

    DelayingCall(Duration delay) {
      this.delay = delay;
    }

    @Override
    public Mono<Integer> apply(Integer i) {
      return Mono.defer(
          () -> {
            var left = new java.util.concurrent.atomic.AtomicBoolean();
            Runnable leave =
                () -> {
                  if (left.compareAndSet(false, true)) {
                    inFlight.decrementAndGet();
                  }
                };
            return Mono.delay(delay)
                .map(x -> i * 2)
                .doOnSubscribe(
                    s -> {
                      started.incrementAndGet();
                      peak.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                    })
                .doOnSuccess(v -> leave.run())
                .doOnError(e -> leave.run())
                .doOnCancel(
                    () -> {
                      cancelled.incrementAndGet();
                      leave.run();
                    });
          });
    }
  }

  @Test
  void
      twoThousandInputsAtConcurrency64StayWithin64InFlightFinishInAboutTheIdealTimeAndComeBackInOrder() {
    var call = new DelayingCall(Duration.ofMillis(50));
    int n = 2000;
    var lastProgress = new java.util.concurrent.atomic.AtomicReference<BatchProgress>();
    var options =
        BatchOptions.builder()
            .concurrency(64)
            .expectedTotal(n)
            .onProgress(lastProgress::set)
            .build();

    long start = System.nanoTime();
    List<Integer> outputs =
        Batch.run(Flux.range(0, n), call, options)
            .map(r -> r.output().orElseThrow())
            .collectList()
            .block(Duration.ofSeconds(60));
    long wallMillis = (System.nanoTime() - start) / 1_000_000;

    long idealMillis = (long) Math.ceil(n / 64.0) * 50; // 32 rounds of 50 ms
    System.out.printf(
        "BATCH-FIGURES 2000 items, concurrency 64, 50 ms delay: wall %d ms (ideal %d ms), "
            + "peak in flight %d (run's own count %d)%n",
        wallMillis, idealMillis, call.peak.get(), lastProgress.get().peakInFlight());
    assertThat(outputs)
        .containsExactlyElementsOf(IntStream.range(0, n).map(i -> i * 2).boxed().toList());
    assertThat(call.peak.get()).isLessThanOrEqualTo(64).isGreaterThanOrEqualTo(32);
    assertThat(lastProgress.get().peakInFlight()).isLessThanOrEqualTo(64);
    assertThat(wallMillis).isGreaterThanOrEqualTo(idealMillis - 50).isLessThan(idealMillis * 5);
    assertThat(lastProgress.get().done()).isEqualTo(n);
  }

  @Test
  void unorderedRunEmitsEveryInputOnceAsTheyFinish() {
    var call = new DelayingCall(Duration.ofMillis(5));
    var options = BatchOptions.builder().concurrency(16).ordered(false).build();

    List<BatchResult<Integer, Integer>> results =
        Batch.run(Flux.range(0, 500), call, options).collectList().block(Duration.ofSeconds(30));

    assertThat(results).hasSize(500).allMatch(BatchResult::isSuccess);
    assertThat(results).allSatisfy(r -> assertThat(r.output()).contains(r.input() * 2));
    assertThat(results.stream().map(BatchResult::index).sorted().toList())
        .containsExactlyElementsOf(LongStream.range(0, 500).boxed().toList());
    assertThat(call.peak.get()).isLessThanOrEqualTo(16);
  }

  @Test
  void orderedRunStartsAtMostConcurrencyPlusReorderWindowCallsWhileTheFirstIsStuck() {
    var started = new AtomicInteger();
    Function<Integer, Mono<Integer>> call =
        i ->
            Mono.defer(
                () -> {
                  started.incrementAndGet();
                  return i == 0 ? Mono.<Integer>never() : Mono.just(i);
                });
    var options = BatchOptions.builder().concurrency(4).reorderWindow(4).build();

    StepVerifier.create(Batch.run(Flux.range(0, 1000), call, options))
        .expectSubscription()
        .expectNoEvent(Duration.ofMillis(200))
        .thenCancel()
        .verify(Duration.ofSeconds(10));

    // Input 0 holds one slot; 7 more ran and wait for it: nothing beyond the window was started.
    assertThat(started.get()).isEqualTo(8);
  }

  @Test
  void maxErrorsStopsTheRunAndStopsPullingInputs() {
    var pulled = new AtomicLong();
    Flux<Integer> endless =
        Flux.generate(
            () -> 0,
            (i, sink) -> {
              pulled.incrementAndGet();
              sink.next(i);
              return i + 1;
            });
    Function<Integer, Mono<Integer>> call =
        i ->
            i % 10 == 3
                ? Mono.error(new IllegalStateException("bad input " + i))
                : Mono.delay(Duration.ofMillis(2)).thenReturn(i);
    var options = BatchOptions.builder().concurrency(8).maxErrors(3).build();

    StepVerifier.create(Batch.run(endless, call, options))
        .thenConsumeWhile(BatchResult::isSuccess)
        .expectErrorSatisfies(
            e -> {
              assertThat(e)
                  .isInstanceOf(BatchFailedException.class)
                  .hasMessageContaining("reaching maxErrors=3")
                  .hasMessageContaining("bad input 3");
              var failed = (BatchFailedException) e;
              assertThat(failed.stoppedEarly()).isTrue();
              assertThat(failed.failedCount()).isGreaterThanOrEqualTo(3);
              assertThat(failed.failedIndices()).startsWith(3L, 13L, 23L);
              assertThat(failed.getCause()).hasMessage("bad input 3");
              assertThat(failed.getSuppressed()).hasSizeGreaterThanOrEqualTo(2);
            })
        .verify(Duration.ofSeconds(10));

    long pulledAtError = pulled.get();
    // The third failure is input 23; at most concurrency + reorderWindow more were pulled.
    assertThat(pulledAtError).isLessThanOrEqualTo(24 + 8 + 8);
    sleep(200);
    assertThat(pulled.get()).isEqualTo(pulledAtError);
  }

  @Test
  void returnFailedGivesBackFailedInputsWithTheirErrorAndCompletes() {
    Function<Integer, Mono<String>> call =
        i ->
            i % 2 == 1
                ? Mono.error(new IllegalArgumentException("odd " + i))
                : Mono.just("ok " + i);
    var options = BatchOptions.builder().concurrency(8).returnFailed(true).build();

    List<BatchResult<Integer, String>> results =
        Batch.run(Flux.range(0, 100), call, options).collectList().block(Duration.ofSeconds(10));

    assertThat(results).hasSize(100);
    assertThat(results.stream().map(BatchResult::input).toList())
        .containsExactlyElementsOf(IntStream.range(0, 100).boxed().toList());
    var failures = results.stream().filter(r -> !r.isSuccess()).toList();
    assertThat(failures)
        .hasSize(50)
        .allSatisfy(
            f -> {
              assertThat(f.input() % 2).isEqualTo(1);
              assertThat(f.failure())
                  .get()
                  .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.THROWABLE)
                  .hasMessage("odd " + f.input());
            });
  }

  @Test
  void failuresBelowMaxErrorsThatAreNotReturnedEndTheRunAfterAllSuccesses() {
    Function<Integer, Mono<Integer>> call =
        i ->
            i == 5 || i == 17 || i == 40
                ? Mono.error(new IllegalStateException("failed " + i))
                : Mono.just(i);
    var options = BatchOptions.builder().concurrency(4).maxErrors(10).build();

    StepVerifier.create(
            Batch.run(Flux.range(0, 50), call, options).map(r -> r.output().orElseThrow()))
        .expectNextCount(47)
        .expectErrorSatisfies(
            e -> {
              var failed = (BatchFailedException) e;
              assertThat(failed.stoppedEarly()).isFalse();
              assertThat(failed.failedCount()).isEqualTo(3);
              assertThat(failed.doneCount()).isEqualTo(50);
              assertThat(failed.failedIndices()).containsExactlyInAnyOrder(5L, 17L, 40L);
              assertThat(failed).hasMessageContaining("returnFailed");
            })
        .verify(Duration.ofSeconds(10));
  }

  @Test
  void outputsFailFastWithTheFailedInputsOwnError() {
    var boom = new IllegalStateException("boom at 5");
    Function<Integer, Mono<Integer>> call = i -> i == 5 ? Mono.error(boom) : Mono.just(i);

    StepVerifier.create(Batch.outputs(Flux.range(0, 100), call, 1))
        .expectNext(0, 1, 2, 3, 4)
        .expectErrorSatisfies(e -> assertThat(e).isSameAs(boom))
        .verify(Duration.ofSeconds(10));
  }

  @Test
  void outputsComeBackInInputOrder() {
    Function<Integer, Mono<Integer>> call =
        i -> Mono.delay(Duration.ofMillis((i * 7) % 13)).thenReturn(i);

    StepVerifier.create(Batch.outputs(Flux.range(0, 200), call, 16))
        .expectNextSequence(IntStream.range(0, 200).boxed().toList())
        .expectComplete()
        .verify(Duration.ofSeconds(10));
  }

  @Test
  void itemTimeoutFailsASlowCallWithATimeoutException() {
    StepVerifier.withVirtualTime(
            () -> {
              var options =
                  BatchOptions.builder()
                      .concurrency(3)
                      .itemTimeout(Duration.ofSeconds(5))
                      .returnFailed(true)
                      .build();
              return Batch.run(
                  Flux.range(0, 3),
                  i ->
                      i == 1
                          ? Mono.<Integer>never()
                          : Mono.delay(Duration.ofSeconds(1)).thenReturn(i),
                  options);
            })
        .expectSubscription()
        .thenAwait(Duration.ofSeconds(1))
        .assertNext(r -> assertThat(r.output()).contains(0))
        .thenAwait(Duration.ofSeconds(4))
        .assertNext(
            r -> {
              assertThat(r.index()).isEqualTo(1);
              assertThat(r.failure())
                  .get()
                  .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.THROWABLE)
                  .isInstanceOf(TimeoutException.class)
                  .hasMessageContaining("input #1 did not finish within 5000 ms");
            })
        .assertNext(r -> assertThat(r.output()).contains(2))
        .expectComplete()
        .verify(Duration.ofSeconds(10));
  }

  @Test
  void aCallThatCompletesEmptyIsAFailureNotASilentGap() {
    var options = BatchOptions.builder().returnFailed(true).build();

    StepVerifier.create(
            Batch.run(Flux.just(1, 2), i -> i == 1 ? Mono.<Integer>empty() : Mono.just(i), options))
        .assertNext(
            r ->
                assertThat(r.failure())
                    .get()
                    .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.THROWABLE)
                    .isInstanceOf(NoSuchElementException.class)
                    .hasMessageContaining("input #0"))
        .assertNext(r -> assertThat(r.output()).contains(2))
        .expectComplete()
        .verify(Duration.ofSeconds(10));
  }

  @Test
  void progressReportsDoneFailedTokensRateAndEta() {
    var seen = new CopyOnWriteArrayList<BatchProgress>();
    Function<Integer, Mono<Integer>> call =
        i ->
            Mono.deferContextual(
                    ctx -> {
                      UsageTracking.record(ctx, "fake-model", new Usage(10, 5, 15), false);
                      return i % 10 == 0
                          ? Mono.<Integer>error(new IllegalStateException("no"))
                          : Mono.just(i);
                    })
                .delayElement(Duration.ofMillis(1));
    var options =
        BatchOptions.builder()
            .concurrency(8)
            .returnFailed(true)
            .expectedTotal(100)
            .progressInterval(Duration.ZERO)
            .onProgress(seen::add)
            .build();
    var outer = UsageTracker.create();

    StepVerifier.create(Batch.run(Flux.range(0, 100), call, options).contextWrite(outer.context()))
        .expectNextCount(100)
        .expectComplete()
        .verify(Duration.ofSeconds(10));

    BatchProgress last = seen.get(seen.size() - 1);
    assertThat(last.done()).isEqualTo(100);
    assertThat(last.failed()).isEqualTo(10);
    assertThat(last.succeeded()).isEqualTo(90);
    assertThat(last.inFlight()).isZero();
    assertThat(last.tokens()).isEqualTo(1500);
    assertThat(last.itemsPerSecond()).isPositive();
    assertThat(last.eta()).contains(Duration.ZERO);
    assertThat(last.summary()).startsWith("100/100 (10 failed)");
    assertThat(seen).hasSizeGreaterThan(10);
    assertThat(seen.get(0).eta()).isPresent();
    // The caller's own tracker saw the same calls as the run's.
    assertThat(outer.total().totalTokens()).isEqualTo(1500);
  }

  @Test
  void cancellingTheRunCancelsTheCallsInFlight() {
    var cancelled = new AtomicInteger();
    Function<Integer, Mono<Integer>> call =
        i -> Mono.<Integer>never().doOnCancel(cancelled::incrementAndGet);

    StepVerifier.create(Batch.run(Flux.range(0, 100), call, BatchOptions.of(4)))
        .expectSubscription()
        .expectNoEvent(Duration.ofMillis(100))
        .thenCancel()
        .verify(Duration.ofSeconds(5));

    assertThat(cancelled.get()).isEqualTo(4);
  }

  @Test
  void anErrorOfTheInputsEndsTheRunWithThatError() {
    Flux<Integer> inputs =
        Flux.concat(Flux.range(0, 3), Flux.error(new IllegalStateException("source broke")));

    StepVerifier.create(Batch.outputs(inputs, Mono::just, 2))
        .expectNext(0, 1, 2)
        .expectErrorMessage("source broke")
        .verify(Duration.ofSeconds(5));
  }

  @Test
  void callsSeeTheSubscribersContext() {
    Function<Integer, Mono<String>> call =
        i -> Mono.deferContextual(ctx -> Mono.just(ctx.<String>get("tenant") + i));

    StepVerifier.create(
            Batch.outputs(Flux.range(0, 3), call, 2)
                .contextWrite(ctx -> ctx.put("tenant", "acme-")))
        .expectNext("acme-0", "acme-1", "acme-2")
        .expectComplete()
        .verify(Duration.ofSeconds(10));
  }

  @Test
  void aCallThatThrowsInsteadOfReturningAMonoFailsOnlyItsInput() {
    Function<Integer, Mono<Integer>> call =
        i -> {
          if (i == 1) {
            throw new IllegalArgumentException("cannot build call for 1");
          }
          return Mono.just(i);
        };
    var options = BatchOptions.builder().returnFailed(true).build();

    StepVerifier.create(Batch.run(Flux.range(0, 3), call, options).map(BatchResult::isSuccess))
        .expectNext(true, false, true)
        .expectComplete()
        .verify(Duration.ofSeconds(10));
  }

  @Test
  void tenMillionInputGeneratorWithTakeIsPulledOnlyAsSlotsFreeUp() {
    for (boolean ordered : new boolean[] {true, false}) {
      var pulled = new AtomicLong();
      Flux<Integer> tenMillion =
          Flux.generate(
              () -> 0,
              (i, sink) -> {
                pulled.incrementAndGet();
                if (i == 10_000_000) {
                  sink.complete();
                } else {
                  sink.next(i);
                }
                return i + 1;
              });
      int n = 1000;
      int concurrency = 64;
      var options = BatchOptions.builder().concurrency(concurrency).ordered(ordered).build();

      Long count =
          Batch.run(tenMillion, i -> Mono.delay(Duration.ofMillis(1)).thenReturn(i), options)
              .take(n)
              .count()
              .block(Duration.ofSeconds(60));

      assertThat(count).isEqualTo(n);
      // Ordered mode prefetches its reorder window (default: concurrency) beyond the slots in
      // flight.
      int prefetch = ordered ? options.reorderWindow() : 0;
      assertThat(pulled.get())
          .as("pulled (ordered=%s)", ordered)
          .isLessThanOrEqualTo(n + concurrency + prefetch);
    }
  }

  @Test
  void badOptionsAreRejectedWhereTheyAreSet() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> BatchOptions.builder().concurrency(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("concurrency must be at least 1");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> BatchOptions.builder().maxErrors(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxErrors");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> BatchOptions.builder().itemTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("itemTimeout must be positive");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> Batch.run(Flux.just(1), null, BatchOptions.of(1)))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("call must not be null");
  }

  @Test
  void defaultMaxErrorsFailsFastUnlessFailuresAreReturned() {
    assertThat(BatchOptions.of(4).maxErrors()).isEqualTo(1);
    assertThat(BatchOptions.builder().returnFailed(true).build().maxErrors())
        .isEqualTo(Integer.MAX_VALUE);
    assertThat(
            BatchOptions.builder().returnFailed(true).maxErrors(5).build().toBuilder()
                .build()
                .maxErrors())
        .isEqualTo(5);
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
