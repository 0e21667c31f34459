package dev.dspy4j.core.ratelimit.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TokenBucketTest {

  @Test
  void aSwitchedOffBucketNeverWaitsAndReservesNothing() {
    var bucket = new TokenBucket(0, 0);
    assertThat(bucket.reserve(1_000)).isZero();
    assertThat(bucket.millisUntilAvailable(0, 1_000_000, 1.0)).isZero();
    bucket.settle(0, 1.0, 0, 5_000);
    assertThat(bucket.millisUntilAvailable(0, 1_000_000, 1.0)).isZero();
  }

  @Test
  void startsFullAndRefillsAtPerMinuteTimesPace() {
    var bucket = new TokenBucket(600, 0); // 10 tokens per second at full pace
    assertThat(bucket.millisUntilAvailable(0, 600, 1.0)).isZero();
    assertThat(bucket.reserve(600)).isEqualTo(600);

    assertThat(bucket.millisUntilAvailable(0, 60, 1.0)).isEqualTo(6_000);
    assertThat(bucket.millisUntilAvailable(0, 60, 0.5))
        .isEqualTo(12_000); // half pace, half the refill
    assertThat(bucket.millisUntilAvailable(3_000, 30, 1.0)).isZero(); // 3 s refilled 30 tokens
  }

  @Test
  void anEstimateIsCappedAtAMinutesWorthAndAtLeastOneTokenIsNeeded() {
    var bucket = new TokenBucket(100, 0);
    assertThat(bucket.millisUntilAvailable(0, 5_000, 1.0))
        .isZero(); // capped at 100, which is there
    assertThat(bucket.reserve(5_000)).isEqualTo(100);
    assertThat(bucket.millisUntilAvailable(0, 0, 1.0)).isEqualTo(600); // one token at 100/min
  }

  @Test
  void settlingChargesTheDifferenceToTheReservationAndNeverOverfills() {
    var bucket = new TokenBucket(600, 0);
    long reserved = bucket.reserve(500); // 100 left
    bucket.settle(0, 1.0, reserved, 200); // used less: 300 refunded, 400 left
    assertThat(bucket.millisUntilAvailable(0, 400, 1.0)).isZero();
    assertThat(bucket.millisUntilAvailable(0, 410, 1.0)).isEqualTo(1_000);

    bucket.settle(0, 1.0, 0, 1_000); // a stream's usage beyond any estimate: 600 in debt
    assertThat(bucket.millisUntilAvailable(0, 1, 1.0)).isEqualTo(60_100);

    var full = new TokenBucket(600, 0);
    full.settle(0, 1.0, 600, 0); // a refund on a full bucket is capped at a minute's worth
    assertThat(full.millisUntilAvailable(0, 600, 1.0)).isZero();
    full.reserve(600);
    assertThat(full.millisUntilAvailable(0, 1, 1.0)).isEqualTo(100);
  }

  @Test
  void aNegativeBudgetIsRejected() {
    assertThatThrownBy(() -> new TokenBucket(-1, 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
