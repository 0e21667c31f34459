package dev.dspy4j.core.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dspy4j.core.http.Headers;
import dev.dspy4j.core.lm.LmResponse;
import dev.dspy4j.core.lm.RateLimitException;
import dev.dspy4j.core.lm.Usage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

class RateLimiterTest {

  private final VirtualTimeScheduler clock = VirtualTimeScheduler.create();

  static RateLimitException tooManyRequests(Duration retryAfter) {
    return new RateLimitException(
        "429 Too Many Requests", 429, "req-1", retryAfter, "slow down", null);
  }

  /** Acquires a permit now and records the clock time it was granted at. */
  private Disposable acquireInto(RateLimiter limiter, List<Permit> permits, List<Long> grantedAt) {
    return limiter
        .acquire()
        .subscribe(
            p -> {
              permits.add(p);
              grantedAt.add(clock.now(TimeUnit.MILLISECONDS));
            });
  }

  @Test
  void neverGrantsMoreThanMaxConcurrentPermitsAndServesWaitersInOrder() {
    var limiter = RateLimiter.builder().maxConcurrent(2).scheduler(clock).build();
    var granted = new CopyOnWriteArrayList<String>();

    limiter.acquire().subscribe(p -> granted.add("a"));
    var holderOfB = new AtomicReference<Permit>();
    limiter
        .acquire()
        .subscribe(
            p -> {
              granted.add("b");
              holderOfB.set(p);
            });
    limiter.acquire().subscribe(p -> granted.add("c"));
    limiter.acquire().subscribe(p -> granted.add("d"));

    assertThat(granted).containsExactly("a", "b");
    assertThat(limiter.state().inFlight()).isEqualTo(2);
    assertThat(limiter.state().pending()).isEqualTo(2);

    holderOfB.get().release();
    assertThat(granted).containsExactly("a", "b", "c");
    assertThat(limiter.state().pending()).isEqualTo(1);
  }

  @Test
  void releasesThePermitWhenTheCallCompletes() {
    var limiter = RateLimiter.builder().maxConcurrent(1).scheduler(clock).build();

    StepVerifier.create(limiter.run(Mono.just("done")))
        .expectNext("done")
        .expectComplete()
        .verify(Duration.ofSeconds(5));

    assertThat(limiter.state().inFlight()).isZero();
    StepVerifier.create(limiter.run(Mono.just("next")))
        .expectNext("next")
        .expectComplete()
        .verify(Duration.ofSeconds(5));
  }

  @Test
  void releasesThePermitWhenTheCallErrors() {
    var limiter = RateLimiter.builder().maxConcurrent(1).scheduler(clock).build();

    StepVerifier.create(limiter.run(Mono.error(new IllegalStateException("server down"))))
        .expectErrorMessage("server down")
        .verify(Duration.ofSeconds(5));

    assertThat(limiter.state().inFlight()).isZero();
    StepVerifier.create(limiter.run(Mono.just("next")))
        .expectNext("next")
        .expectComplete()
        .verify(Duration.ofSeconds(5));
  }

  @Test
  void releasesThePermitWhenTheCallIsCancelled() {
    var limiter = RateLimiter.builder().maxConcurrent(1).scheduler(clock).build();
    var cancelled = new java.util.concurrent.atomic.AtomicBoolean();

    StepVerifier.create(limiter.run(Mono.never().doOnCancel(() -> cancelled.set(true))))
        .expectSubscription()
        .then(() -> assertThat(limiter.state().inFlight()).isEqualTo(1))
        .thenCancel()
        .verify(Duration.ofSeconds(5));

    assertThat(cancelled).isTrue();
    assertThat(limiter.state().inFlight()).isZero();
    StepVerifier.create(limiter.run(Mono.just("next")))
        .expectNext("next")
        .expectComplete()
        .verify(Duration.ofSeconds(5));
  }

  @Test
  void cancelledWaitersLeaveTheQueueAndGetNoPermit() {
    var limiter = RateLimiter.builder().maxConcurrent(1).scheduler(clock).build();
    var holder = new AtomicReference<Permit>();
    limiter.acquire().subscribe(holder::set);
    var waiters = new ArrayList<Disposable>();
    var wronglyGranted = new CopyOnWriteArrayList<Permit>();
    for (int i = 0; i < 1000; i++) {
      waiters.add(limiter.acquire().subscribe(wronglyGranted::add));
    }
    assertThat(limiter.state().pending()).isEqualTo(1000);

    waiters.forEach(Disposable::dispose);
    assertThat(limiter.state().pending()).isZero();

    holder.get().release();
    assertThat(wronglyGranted).isEmpty();
    assertThat(limiter.state().inFlight()).isZero();
  }

  @Test
  void disposingTheSubscriptionAfterTheGrantKeepsThePermitHeld() {
    var limiter = RateLimiter.builder().maxConcurrent(1).scheduler(clock).build();
    var permit = new AtomicReference<Permit>();

    Disposable subscription = limiter.acquire().subscribe(permit::set);
    subscription.dispose();

    // The permit was delivered: only the holder can hand it back.
    assertThat(permit.get().isReleased()).isFalse();
    assertThat(limiter.state().inFlight()).isEqualTo(1);
    permit.get().release();
    assertThat(limiter.state().inFlight()).isZero();
  }

  @Test
  void aPermitHandedBackTwiceFreesOneSlot() {
    var limiter = RateLimiter.builder().maxConcurrent(2).scheduler(clock).build();
    var permits = new ArrayList<Permit>();
    limiter.acquire().subscribe(permits::add);
    limiter.acquire().subscribe(permits::add);

    permits.get(0).success(Usage.ZERO);
    permits.get(0).release();
    permits.get(0).failure(new IllegalStateException("late"));

    assertThat(limiter.state().inFlight()).isEqualTo(1);
    assertThat(permits.get(0).isReleased()).isTrue();
  }

  @Test
  void requestsPerSecondSpacesTheStarts() {
    var limiter =
        RateLimiter.builder().maxConcurrent(10).requestsPerSecond(2).scheduler(clock).build();
    var permits = new ArrayList<Permit>();
    var grantedAt = new ArrayList<Long>();
    for (int i = 0; i < 5; i++) {
      acquireInto(limiter, permits, grantedAt);
    }

    clock.advanceTimeBy(Duration.ofSeconds(3));

    assertThat(grantedAt).containsExactly(0L, 500L, 1000L, 1500L, 2000L);
  }

  @Test
  void aRateLimitHalvesThePaceOnceForARoundOfRequestsAndSuccessesRecoverItAdditively() {
    var limiter =
        RateLimiter.builder().maxConcurrent(16).recoveryStep(0.1).scheduler(clock).build();
    var round = new ArrayList<Permit>();
    for (int i = 0; i < 16; i++) {
      limiter.acquire().subscribe(round::add);
    }

    // The whole round is rate limited: one decrease, not sixteen.
    round.forEach(p -> p.failure(tooManyRequests(null)));
    assertThat(limiter.state().pace()).isEqualTo(0.5);
    assertThat(limiter.state().concurrencyLimit()).isEqualTo(8);

    // A request started after the decrease that is limited again halves it again.
    var next = new AtomicReference<Permit>();
    limiter.acquire().subscribe(next::set);
    next.get().failure(tooManyRequests(null));
    assertThat(limiter.state().pace()).isEqualTo(0.25);

    for (int i = 0; i < 3; i++) {
      var p = new AtomicReference<Permit>();
      limiter.acquire().subscribe(p::set);
      p.get().success(LmResponse.of("ok"));
    }
    assertThat(limiter.state().pace()).isCloseTo(0.55, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(limiter.state().concurrencyLimit()).isEqualTo(8);
  }

  @Test
  void retryAfterPausesEveryCallerUntilItExpires() {
    var limiter = RateLimiter.builder().maxConcurrent(4).scheduler(clock).build();
    var first = new AtomicReference<Permit>();
    limiter.acquire().subscribe(first::set);
    first.get().failure(tooManyRequests(Duration.ofSeconds(5)));
    assertThat(limiter.state().pausedFor()).isEqualTo(Duration.ofSeconds(5));

    var permits = new ArrayList<Permit>();
    var grantedAt = new ArrayList<Long>();
    acquireInto(limiter, permits, grantedAt);
    acquireInto(limiter, permits, grantedAt);

    clock.advanceTimeBy(Duration.ofMillis(4999));
    assertThat(grantedAt).isEmpty();
    clock.advanceTimeBy(Duration.ofMillis(1));
    // Both may go now (the pace allows 2 of 4 slots).
    assertThat(grantedAt).containsExactly(5000L, 5000L);
  }

  @Test
  void aPauseLongerThanMaxPauseIsCapped() {
    var limiter = RateLimiter.builder().maxPause(Duration.ofSeconds(2)).scheduler(clock).build();

    limiter.onRateLimited(tooManyRequests(Duration.ofMinutes(10)));

    assertThat(limiter.state().pausedFor()).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void heliconeRemainingZeroPausesUntilItsReset() {
    var limiter = RateLimiter.builder().maxConcurrent(4).scheduler(clock).build();
    var p = new AtomicReference<Permit>();
    limiter.acquire().subscribe(p::set);

    p.get()
        .success(
            LmResponse.builder(List.of("ok"))
                .headers(
                    Map.of(
                        "helicone-ratelimit-remaining",
                        "0",
                        "HELICONE-RATELIMIT-LIMIT",
                        "100",
                        "Helicone-RateLimit-Reset",
                        "7"))
                .build());

    assertThat(limiter.state().pace()).isEqualTo(0.5);
    assertThat(limiter.state().pausedFor()).isEqualTo(Duration.ofSeconds(7));
  }

  @Test
  void openAiRemainingRequestsNearlyUsedUpSlowsDownWithoutPausing() {
    var limiter = RateLimiter.builder().maxConcurrent(8).scheduler(clock).build();
    var p = new AtomicReference<Permit>();
    limiter.acquire().subscribe(p::set);

    p.get()
        .success(
            LmResponse.builder(List.of("ok"))
                .headers(
                    Map.of(
                        "X-RateLimit-Remaining-Requests",
                        "3",
                        "x-ratelimit-limit-requests",
                        "500",
                        "x-ratelimit-reset-requests",
                        "6m0s"))
                .build());

    assertThat(limiter.state().pace()).isEqualTo(0.5);
    assertThat(limiter.state().pausedFor()).isEqualTo(Duration.ZERO);
  }

  @Test
  void openAiTokensUsedUpPauseUntilTheTokenReset() {
    var limiter = RateLimiter.builder().scheduler(clock).build();

    limiter.onResponseHeaders(
        Headers.of(
            Map.of(
                "x-ratelimit-remaining-tokens",
                "0",
                "x-ratelimit-limit-tokens",
                "30000",
                "x-ratelimit-remaining-requests",
                "499",
                "x-ratelimit-reset-tokens",
                "1.5s",
                "x-ratelimit-reset-requests",
                "120ms")));

    assertThat(limiter.state().pausedFor()).isEqualTo(Duration.ofMillis(1500));
  }

  @Test
  void plentyOfBudgetLeftCountsAsASuccess() {
    var limiter = RateLimiter.builder().maxConcurrent(8).recoveryStep(0.5).scheduler(clock).build();
    limiter.onRateLimited(tooManyRequests(null));
    var p = new AtomicReference<Permit>();
    limiter.acquire().subscribe(p::set);

    p.get()
        .success(
            LmResponse.builder(List.of("ok"))
                .headers(
                    Map.of(
                        "x-ratelimit-remaining-requests",
                        "400",
                        "x-ratelimit-limit-requests",
                        "500"))
                .build());

    assertThat(limiter.state().pace()).isEqualTo(1.0);
  }

  @Test
  void aCacheHitNeitherSpeedsUpNorSlowsDown() {
    var limiter = RateLimiter.builder().recoveryStep(0.5).scheduler(clock).build();
    limiter.onRateLimited(tooManyRequests(null));
    var p = new AtomicReference<Permit>();
    limiter.acquire().subscribe(p::set);

    p.get()
        .success(
            LmResponse.builder(List.of("cached"))
                .cacheHit(true)
                .usage(new Usage(5, 5, 10))
                .build());

    assertThat(limiter.state().pace()).isEqualTo(0.5);
    assertThat(limiter.state().inFlight()).isZero();
  }

  @Test
  void tokensPerMinuteBudgetMakesTheNextCallWaitUntilTheSpentTokensAreRefilled() {
    var limiter = RateLimiter.builder().tokensPerMinute(600).scheduler(clock).build();
    var first = new AtomicReference<Permit>();
    limiter.acquire().subscribe(first::set);
    // Spending twice the budget leaves a debt of 600 tokens, refilled at 10 tokens per second.
    first
        .get()
        .success(LmResponse.builder(List.of("long")).usage(new Usage(1000, 200, 1200)).build());

    var permits = new ArrayList<Permit>();
    var grantedAt = new ArrayList<Long>();
    acquireInto(limiter, permits, grantedAt);

    clock.advanceTimeBy(Duration.ofSeconds(60));
    assertThat(grantedAt).isEmpty();
    clock.advanceTimeBy(Duration.ofMillis(200));
    assertThat(grantedAt).containsExactly(60_100L);
  }

  @Test
  void theStateIsExposedForMetrics() {
    var limiter =
        RateLimiter.builder().maxConcurrent(10).requestsPerSecond(20).scheduler(clock).build();
    limiter.onRateLimited(tooManyRequests(Duration.ofSeconds(1)));

    var state = limiter.state();

    assertThat(state.pace()).isEqualTo(0.5);
    assertThat(state.concurrencyLimit()).isEqualTo(5);
    assertThat(state.requestsPerSecond()).hasValue(10.0);
    assertThat(state.pausedFor()).isEqualTo(Duration.ofSeconds(1));
    assertThat(limiter.toString()).contains("maxConcurrent=10", "pace=0.5");
  }

  @Test
  void aNonAdaptiveLimiterKeepsItsBudgets() {
    var limiter = RateLimiter.builder().maxConcurrent(4).adaptive(false).scheduler(clock).build();

    limiter.onRateLimited(tooManyRequests(Duration.ofSeconds(30)));

    assertThat(limiter.state().pace()).isEqualTo(1.0);
    assertThat(limiter.state().pausedFor()).isEqualTo(Duration.ZERO);
  }

  @Test
  void badSettingsAreRejectedWhereTheyAreSet() {
    assertThatThrownBy(() -> RateLimiter.builder().maxConcurrent(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxConcurrent must be at least 1");
    assertThatThrownBy(() -> RateLimiter.builder().requestsPerSecond(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("requestsPerSecond");
    assertThatThrownBy(() -> RateLimiter.builder().decreaseFactor(1.0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("decreaseFactor");
    assertThatThrownBy(() -> RateLimiter.builder().build().acquire(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("estimatedTokens");
  }
}
