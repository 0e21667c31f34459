package dev.dspy4j.core.lm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/** The one retry policy, its waits checked in virtual time with the scheduler injected. */
class RetryPolicyTest {

  private static final Duration WAIT = Duration.ofSeconds(5);

  static RateLimitException tooManyRequests(Duration retryAfter) {
    return new RateLimitException(
        "429 Too Many Requests", 429, "req-1", retryAfter, "slow down", null);
  }

  static ServerException unavailable() {
    return new ServerException("503", 503, null, null, null, null);
  }

  @Test
  void backsOffExponentiallyUpToTheCapWithoutJitter() {
    var policy =
        RetryPolicy.builder()
            .backoff(Duration.ofMillis(100))
            .maxBackoff(Duration.ofMillis(700))
            .jitter(0)
            .build();
    assertThat(policy.delay(0, Duration.ZERO)).isEqualTo(Duration.ofMillis(100));
    assertThat(policy.delay(1, Duration.ZERO)).isEqualTo(Duration.ofMillis(200));
    assertThat(policy.delay(2, Duration.ZERO)).isEqualTo(Duration.ofMillis(400));
    assertThat(policy.delay(3, Duration.ZERO)).isEqualTo(Duration.ofMillis(700));
    assertThat(policy.delay(60, Duration.ZERO)).isEqualTo(Duration.ofMillis(700));
  }

  @Test
  void jitterShortensTheBackoffByUpToItsFractionFromTheInjectedRandomSource() {
    var low =
        RetryPolicy.builder().backoff(Duration.ofSeconds(2)).jitter(0.5).random(() -> 0.0).build();
    var high =
        RetryPolicy.builder().backoff(Duration.ofSeconds(2)).jitter(0.5).random(() -> 0.99).build();
    assertThat(low.delay(0, Duration.ZERO)).isEqualTo(Duration.ofSeconds(2));
    assertThat(high.delay(0, Duration.ZERO)).isEqualTo(Duration.ofMillis(1010));
  }

  @Test
  void theServersRetryAfterIsAMinimumWait() {
    var policy = RetryPolicy.builder().backoff(Duration.ofMillis(100)).jitter(0).build();
    assertThat(policy.delay(0, Duration.ofSeconds(3))).isEqualTo(Duration.ofSeconds(3));
    assertThat(policy.delay(5, Duration.ofMillis(10))).isEqualTo(Duration.ofMillis(3200));
  }

  @Test
  void retriesAfterTheRetryAfterInVirtualTimeThenSucceeds() {
    var clock = VirtualTimeScheduler.create();
    var attempts = new AtomicInteger();
    var policy =
        RetryPolicy.builder().jitter(0).backoff(Duration.ofMillis(100)).scheduler(clock).build();
    StepVerifier.withVirtualTime(
            () ->
                Mono.defer(
                        () ->
                            attempts.incrementAndGet() < 3
                                ? Mono.<String>error(tooManyRequests(Duration.ofSeconds(2)))
                                : Mono.just("ok"))
                    .retryWhen(policy),
            () -> clock,
            Long.MAX_VALUE)
        .expectSubscription()
        .expectNoEvent(Duration.ofMillis(3999))
        .thenAwait(Duration.ofMillis(1))
        .expectNext("ok")
        .expectComplete()
        .verify(WAIT);
    assertThat(attempts.get()).isEqualTo(3);
  }

  @Test
  void givesUpAfterMaxRetriesWithTheLastErrorCountingTheAttempts() {
    var clock = VirtualTimeScheduler.create();
    var attempts = new AtomicInteger();
    var policy =
        RetryPolicy.builder().maxRetries(2).backoff(Duration.ofMillis(10)).scheduler(clock).build();
    StepVerifier.withVirtualTime(
            () ->
                Mono.defer(
                        () -> {
                          attempts.incrementAndGet();
                          return Mono.<String>error(unavailable());
                        })
                    .retryWhen(policy),
            () -> clock,
            Long.MAX_VALUE)
        .expectSubscription()
        .thenAwait(Duration.ofSeconds(1))
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(ServerException.class)
                    .hasMessageEndingWith("[3 attempts: gave up after 2 retries]")
                    .satisfies(x -> assertThat(((LmException) x).attempts()).isEqualTo(3)))
        .verify(WAIT);
    assertThat(attempts.get()).isEqualTo(3);
  }

  @Test
  void aRetryAfterBeyondTheCapFailsAtOnceSayingHowLong() {
    var clock = VirtualTimeScheduler.create();
    var attempts = new AtomicInteger();
    var policy =
        RetryPolicy.builder().maxRetryAfter(Duration.ofSeconds(60)).scheduler(clock).build();
    StepVerifier.withVirtualTime(
            () ->
                Mono.defer(
                        () -> {
                          attempts.incrementAndGet();
                          return Mono.error(tooManyRequests(Duration.ofMinutes(5)));
                        })
                    .retryWhen(policy),
            () -> clock,
            Long.MAX_VALUE)
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(RateLimitException.class)
                    .hasMessageContaining(
                        "the server asked to wait 300 s, beyond maxRetryAfter of 60 s"))
        .verify(WAIT);
    assertThat(attempts.get()).isEqualTo(1);
  }

  @Test
  void errorsOutsideTheFilterPassThroughAtOnce() {
    var attempts = new AtomicInteger();
    var invalid = new InvalidRequestException("400", 400, null, null, null, null);
    StepVerifier.create(
            Mono.defer(
                    () -> {
                      attempts.incrementAndGet();
                      return Mono.error(invalid);
                    })
                .retryWhen(RetryPolicy.defaults()))
        .expectErrorSatisfies(e -> assertThat(e).isSameAs(invalid))
        .verify(WAIT);
    assertThat(attempts.get()).isEqualTo(1);

    var onlyRateLimits = RetryPolicy.builder().filter(RateLimitException.class::isInstance).build();
    StepVerifier.create(Mono.error(unavailable()).retryWhen(onlyRateLimits))
        .expectError(ServerException.class)
        .verify(WAIT);
  }

  @Test
  void badSettingsAreRejectedAtOnce() {
    assertThatThrownBy(() -> RetryPolicy.builder().maxRetries(-1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RetryPolicy.builder().jitter(1.5))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RetryPolicy.builder().backoff(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RetryPolicy.builder().maxRetryAfter(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
