package dev.dspy4j.core.ratelimit.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.core.http.Headers;
import dev.dspy4j.core.lm.RateLimitException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.test.scheduler.VirtualTimeScheduler;

class ConcurrencyGateTest {

  private record Grant(long sequence, long reservedTokens) {}

  private final VirtualTimeScheduler clock = VirtualTimeScheduler.create();
  private final List<Grant> granted = new CopyOnWriteArrayList<>();
  private final List<Grant> discarded = new CopyOnWriteArrayList<>();

  private ConcurrencyGate<Grant> gate(
      int maxConcurrent, double requestsPerSecond, long tokensPerMinute) {
    return new ConcurrencyGate<>(
        maxConcurrent,
        new Pacing(requestsPerSecond, true, 0.5, 0.1, 0.1, Duration.ofSeconds(30)),
        new TokenBucket(tokensPerMinute, clock.now(TimeUnit.MILLISECONDS)),
        clock,
        new ConcurrencyGate.Permits<>() {
          @Override
          public Grant create(long sequence, long reservedTokens) {
            return new Grant(sequence, reservedTokens);
          }

          @Override
          public void discard(Grant permit) {
            discarded.add(permit);
          }
        });
  }

  @Test
  void letsThroughAtMostTheLimitInSubscriptionOrder() {
    var gate = gate(2, 0, 0);
    for (int i = 0; i < 4; i++) {
      gate.acquire(0).subscribe(granted::add);
    }
    assertThat(granted).extracting(Grant::sequence).containsExactly(1L, 2L);
    assertThat(gate.state().inFlight()).isEqualTo(2);
    assertThat(gate.state().pending()).isEqualTo(2);

    gate.completed(1, 0, 10, Headers.empty(), true);
    assertThat(granted).extracting(Grant::sequence).containsExactly(1L, 2L, 3L);
    gate.failed(2, 0, new IllegalStateException("boom"));
    assertThat(granted).extracting(Grant::sequence).containsExactly(1L, 2L, 3L, 4L);
    assertThat(gate.state().pending()).isZero();
  }

  @Test
  void aCancelledWaiterLeavesTheQueueAndTheNextOneMovesUp() {
    var gate = gate(1, 0, 0);
    gate.acquire(0).subscribe(granted::add);
    Disposable second = gate.acquire(0).subscribe(granted::add);
    gate.acquire(0).subscribe(granted::add);
    second.dispose();
    assertThat(gate.state().pending()).isEqualTo(1);

    gate.released(1, 0);
    assertThat(granted)
        .extracting(Grant::sequence)
        .containsExactly(1L, 2L); // the third caller got sequence 2
    assertThat(discarded).isEmpty();
  }

  @Test
  void theStartScheduleAndTheTokenBucketHoldTheHeadUntilTheTimerFires() {
    var gate = gate(10, 2, 0); // one start every 500 ms
    gate.acquire(0).subscribe(granted::add);
    gate.acquire(0).subscribe(granted::add);
    assertThat(granted).hasSize(1);
    clock.advanceTimeBy(Duration.ofMillis(499));
    assertThat(granted).hasSize(1);
    clock.advanceTimeBy(Duration.ofMillis(1));
    assertThat(granted).hasSize(2);

    var tokens = gate(10, 0, 60); // one token per second
    granted.clear();
    tokens.acquire(60).subscribe(granted::add);
    tokens.acquire(30).subscribe(granted::add);
    assertThat(granted).containsExactly(new Grant(1, 60));
    clock.advanceTimeBy(Duration.ofSeconds(30));
    assertThat(granted).containsExactly(new Grant(1, 60), new Grant(2, 30));
  }

  @Test
  void a429ShrinksTheConcurrencyLimitForTheNextGrants() {
    var gate = gate(4, 0, 0);
    for (int i = 0; i < 6; i++) {
      gate.acquire(0).subscribe(granted::add);
    }
    assertThat(granted).hasSize(4);
    gate.failed(1, 0, new RateLimitException("429", 429, null, null, null, null));
    assertThat(gate.state().pace()).isEqualTo(0.5);
    assertThat(gate.state().concurrencyLimit()).isEqualTo(2);
    gate.completed(2, 0, 0, Headers.empty(), false); // 2 in flight: still no room
    gate.released(3, 0);
    assertThat(granted).hasSize(5); // 1 in flight after two ended: one more fits under 2
  }
}
