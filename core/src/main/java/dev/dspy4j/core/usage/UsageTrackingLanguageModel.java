package dev.dspy4j.core.usage;

import dev.dspy4j.core.lm.LanguageModel;
import dev.dspy4j.core.lm.LmChunk;
import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.core.lm.LmResponse;
import dev.dspy4j.core.lm.Usage;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A {@link LanguageModel} that records each call's usage into the {@link UsageTracker}s of the
 * caller's Reactor Context, under the delegate's {@link #model()} name. Signals pass through unchanged.
 */
final class UsageTrackingLanguageModel implements LanguageModel {

  private final LanguageModel delegate;

  UsageTrackingLanguageModel(LanguageModel delegate) {
    this.delegate = Objects.requireNonNull(delegate, "lm must not be null");
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

  /** Emits the delegate's response after recording its usage; errors and cancels as the delegate. */
  @Override
  public Mono<LmResponse> complete(LmRequest request) {
    Objects.requireNonNull(request, "request must not be null");
    return Mono.deferContextual(ctx ->
        delegate.complete(request).doOnNext(r -> UsageTracking.record(ctx, model(), r)));
  }

  /**
   * Relays the delegate's chunks, recording the usage chunk's tokens; a cache replay records a cache
   * hit, and a stream that completes without a usage chunk records one call with no tokens.
   */
  @Override
  public Flux<LmChunk> stream(LmRequest request) {
    Objects.requireNonNull(request, "request must not be null");
    return Flux.deferContextual(ctx -> {
      var recorded = new AtomicBoolean();
      return delegate.stream(request)
          .doOnNext(chunk -> {
            if (chunk.usage().isPresent() && recorded.compareAndSet(false, true)) {
              UsageTracking.record(ctx, model(), chunk.usage().get(), false);
            } else if (chunk.cacheHit() && recorded.compareAndSet(false, true)) {
              UsageTracking.record(ctx, model(), Usage.ZERO, true);
            }
          })
          .doOnComplete(() -> {
            if (recorded.compareAndSet(false, true)) {
              UsageTracking.record(ctx, model(), Usage.ZERO, false);
            }
          });
    });
  }

  @Override
  public String toString() {
    return "UsageTracking[" + delegate + "]";
  }
}
