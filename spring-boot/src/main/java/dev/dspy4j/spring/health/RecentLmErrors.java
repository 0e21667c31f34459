package dev.dspy4j.spring.health;

import dev.dspy4j.core.lm.LanguageModel;
import dev.dspy4j.core.lm.LmChunk;
import dev.dspy4j.core.lm.LmException;
import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.core.lm.LmResponse;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Counts the LM calls that failed and remembers the last failure (its type and status, never its
 * message), for a passive health indicator that spends no tokens. Package-private: not part of the
 * API.
 */
final class RecentLmErrors {

  /** The last failed call: when, which exception type, which HTTP status (0 if none). */
  public record LastError(Instant at, String type, int statusCode) {}

  private final Clock clock;
  private final AtomicLong failures = new AtomicLong();
  private final AtomicLong successes = new AtomicLong();
  private final AtomicLong consecutiveFailures = new AtomicLong();
  private final AtomicReference<LastError> last = new AtomicReference<>();

  public RecentLmErrors(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** {@code lm}, with every outcome counted here. */
  public LanguageModel track(LanguageModel lm) {
    return new Tracked(lm);
  }

  public long failures() {
    return failures.get();
  }

  public long successes() {
    return successes.get();
  }

  /** Failures since the last success. */
  public long consecutiveFailures() {
    return consecutiveFailures.get();
  }

  public Optional<LastError> lastError() {
    return Optional.ofNullable(last.get());
  }

  void success() {
    successes.incrementAndGet();
    consecutiveFailures.set(0);
  }

  void failure(Throwable e) {
    failures.incrementAndGet();
    consecutiveFailures.incrementAndGet();
    last.set(
        new LastError(
            clock.instant(),
            e.getClass().getSimpleName(),
            e instanceof LmException lm ? lm.statusCode() : 0));
  }

  private final class Tracked implements LanguageModel {
    private final LanguageModel delegate;

    Tracked(LanguageModel delegate) {
      this.delegate = Objects.requireNonNull(delegate, "lm");
    }

    @Override
    public String model() {
      return delegate.model();
    }

    @Override
    public Mono<LmResponse> complete(LmRequest request) {
      return delegate
          .complete(request)
          .doOnSuccess(r -> success())
          .doOnError(RecentLmErrors.this::failure);
    }

    @Override
    public Flux<LmChunk> stream(LmRequest request) {
      return delegate.stream(request)
          .doOnComplete(RecentLmErrors.this::success)
          .doOnError(RecentLmErrors.this::failure);
    }

    @Override
    public String toString() {
      return delegate.toString();
    }
  }
}
