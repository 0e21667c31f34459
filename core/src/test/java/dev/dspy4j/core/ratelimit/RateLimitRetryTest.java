package dev.dspy4j.core.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.core.lm.RateLimitException;
import dev.dspy4j.core.lm.ServerException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

class RateLimitRetryTest {

  static RateLimitException tooManyRequests(Duration retryAfter) {
    return new RateLimitException("429 Too Many Requests", 429, "req-1", retryAfter, "slow down", null);
  }

  @Test
  void waitsAtLeastTheServersRetryAfterStretchedByJitter() {
    var low = RateLimitRetry.builder().jitter(0.5).random(() -> 0.0).build();
    var high = RateLimitRetry.builder().jitter(0.5).random(() -> 0.99).build();
    var error = tooManyRequests(Duration.ofSeconds(3));

    assertThat(low.delay(0, error)).isEqualTo(Duration.ofSeconds(3));
    assertThat(high.delay(0, error)).isEqualTo(Duration.ofMillis(4485));
  }

  @Test
  void withoutRetryAfterBacksOffExponentiallyUpToTheCap() {
    var retry = RateLimitRetry.builder().minBackoff(Duration.ofMillis(100)).maxBackoff(Duration.ofMillis(700))
        .jitter(0).build();
    var error = tooManyRequests(null);

    assertThat(retry.delay(0, error)).isEqualTo(Duration.ofMillis(100));
    assertThat(retry.delay(1, error)).isEqualTo(Duration.ofMillis(200));
    assertThat(retry.delay(2, error)).isEqualTo(Duration.ofMillis(400));
    assertThat(retry.delay(3, error)).isEqualTo(Duration.ofMillis(700));
    assertThat(retry.delay(60, error)).isEqualTo(Duration.ofMillis(700));
  }

  @Test
  void retriesARateLimitAfterTheWaitThenSucceeds() {
    var attempts = new AtomicInteger();
    StepVerifier.withVirtualTime(() -> Mono.defer(() -> attempts.incrementAndGet() < 3
                ? Mono.<String>error(tooManyRequests(Duration.ofSeconds(2)))
                : Mono.just("ok"))
            .retryWhen(RateLimitRetry.builder().jitter(0).build()))
        .expectSubscription()
        .expectNoEvent(Duration.ofMillis(3999))
        .thenAwait(Duration.ofMillis(1))
        .expectNext("ok")
        .expectComplete()
        .verify(Duration.ofSeconds(5));
    assertThat(attempts.get()).isEqualTo(3);
  }

  @Test
  void otherErrorsPassThroughAtOnce() {
    var attempts = new AtomicInteger();
    var serverError = new ServerException("503", 503, null, null, null, null);

    StepVerifier.create(Mono.defer(() -> {
          attempts.incrementAndGet();
          return Mono.error(serverError);
        }).retryWhen(RateLimitRetry.defaults()))
        .expectErrorSatisfies(e -> assertThat(e).isSameAs(serverError))
        .verify(Duration.ofSeconds(5));
    assertThat(attempts.get()).isEqualTo(1);
  }

  @Test
  void givesUpAfterMaxRetriesWithTheLastRateLimit() {
    var attempts = new AtomicInteger();
    StepVerifier.withVirtualTime(() -> Mono.defer(() -> {
              attempts.incrementAndGet();
              return Mono.<String>error(tooManyRequests(null));
            })
            .retryWhen(RateLimitRetry.builder().maxRetries(2).minBackoff(Duration.ofMillis(10)).build()))
        .expectSubscription()
        .thenAwait(Duration.ofSeconds(1))
        .expectError(RateLimitException.class)
        .verify(Duration.ofSeconds(5));
    assertThat(attempts.get()).isEqualTo(3);
  }

  @Test
  void aRetryAfterAboveTheCapFailsAtOnceSayingHowLong() {
    StepVerifier.create(Mono.error(tooManyRequests(Duration.ofMinutes(5)))
            .retryWhen(RateLimitRetry.builder().maxRetryAfter(Duration.ofSeconds(60)).build()))
        .expectErrorSatisfies(e -> assertThat(e)
            .isInstanceOf(RateLimitException.class)
            .hasMessageContaining("asked to wait 300000 ms")
            .hasMessageContaining("maxRetryAfter (60000 ms)"))
        .verify(Duration.ofSeconds(5));
  }
}
