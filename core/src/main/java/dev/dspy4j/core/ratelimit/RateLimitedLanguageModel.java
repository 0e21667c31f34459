package dev.dspy4j.core.ratelimit;

import dev.dspy4j.core.lm.LanguageModel;
import dev.dspy4j.core.lm.LmChunk;
import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.core.lm.LmResponse;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * A {@link LanguageModel} whose calls go through a {@link RateLimiter}: {@code complete} holds a permit
 * until its response (or error, or cancel), {@code stream} until the stream terminates or is
 * cancelled. With a {@link RateLimitRetry} a 429 is retried, re-queueing for a permit each time; a
 * stream is retried only while none of its chunks has reached the subscriber.
 */
public final class RateLimitedLanguageModel implements LanguageModel {

  private final LanguageModel delegate;
  private final RateLimiter limiter;
  private final @Nullable Retry retry;

  private RateLimitedLanguageModel(LanguageModel delegate, RateLimiter limiter, @Nullable Retry retry) {
    this.delegate = Objects.requireNonNull(delegate, "lm must not be null");
    this.limiter = Objects.requireNonNull(limiter, "limiter must not be null");
    this.retry = retry;
  }

  /** {@code lm} limited by {@code limiter}, without retries (a 429 reaches the caller). */
  public static RateLimitedLanguageModel of(LanguageModel lm, RateLimiter limiter) {
    return new RateLimitedLanguageModel(lm, limiter, null);
  }

  /** {@code lm} limited by {@code limiter}, retrying 429s with {@code retry}. */
  public static RateLimitedLanguageModel of(LanguageModel lm, RateLimiter limiter, RateLimitRetry retry) {
    return new RateLimitedLanguageModel(lm, limiter, Objects.requireNonNull(retry, "retry must not be null"));
  }

  /** The limiter shared by this model's calls. */
  public RateLimiter limiter() {
    return limiter;
  }

  /** The model being limited. */
  public LanguageModel delegate() {
    return delegate;
  }

  /** The retry policy for 429s, if one was given. */
  public Optional<Retry> retry() {
    return Optional.ofNullable(retry);
  }

  @Override
  public String model() {
    return delegate.model();
  }

  /** The wrapped LM's default temperature. */
  @Override
  public java.util.OptionalDouble temperature() {
    return delegate.temperature();
  }

  /**
   * Waits for a permit, then emits the delegate's response; errors as the delegate does (after the
   * retries, if any). Cancelling while waiting leaves the queue; during the call it cancels the call
   * and frees the permit.
   */
  @Override
  public Mono<LmResponse> complete(LmRequest request) {
    Objects.requireNonNull(request, "request must not be null");
    Mono<LmResponse> once = limiter.run(Mono.defer(() -> delegate.complete(request)));
    return retry == null ? once : once.retryWhen(retry);
  }

  /**
   * Waits for a permit, then relays the delegate's chunks; the permit is freed when the stream
   * completes, errors or is cancelled.
   */
  @Override
  public Flux<LmChunk> stream(LmRequest request) {
    Objects.requireNonNull(request, "request must not be null");
    if (retry == null) {
      return limiter.runStream(Flux.defer(() -> delegate.stream(request)));
    }
    Retry policy = retry;
    return Flux.defer(() -> {
      var emitted = new AtomicBoolean();
      return limiter.runStream(Flux.defer(() -> delegate.stream(request)))
          .doOnNext(chunk -> emitted.set(true))
          // Text already delivered cannot be taken back: after the first chunk, errors pass through.
          .retryWhen(Retry.from(signals -> policy.generateCompanion(
              signals.handle((signal, sink) -> {
                if (emitted.get()) {
                  sink.error(signal.failure());
                } else {
                  sink.next(signal);
                }
              }))));
    });
  }

  @Override
  public String toString() {
    return "RateLimited[" + delegate.model() + ", " + limiter + "]";
  }
}
