package dev.dspy4j.core.lm.internal;

import dev.dspy4j.core.lm.LmChunk;
import dev.dspy4j.core.lm.LmResponse;
import dev.dspy4j.core.lm.RetryPolicy;
import dev.dspy4j.core.lm.StreamInterruptedException;
import java.util.Objects;
import java.util.function.Supplier;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * The retry link of an {@code LmChain}: re-subscribes to the attempt (rate limit and transport) per
 * the {@link RetryPolicy}, so every retry queues for a permit again and sends the same effective
 * request. The one place of the streaming rule: a stream is retried only until a chunk with text
 * went downstream ({@link RecordLink.StreamCall#textEmitted()}); afterwards a failure ends the call
 * as a {@link StreamInterruptedException} carrying the partial text.
 */
public final class RetryLink {

  private final RetryPolicy policy;

  /** A link retrying per {@code policy}. */
  public RetryLink(RetryPolicy policy) {
    this.policy = Objects.requireNonNull(policy, "policy");
  }

  /** {@code attempt}, subscribed again for each retry. */
  public Mono<LmResponse> complete(Supplier<Mono<LmResponse>> attempt) {
    // No retries: no retryWhen at all (RetryPolicy.notRetried notes the attempt as it would).
    return policy.maxRetries() == 0
        ? Mono.defer(attempt).onErrorMap(policy::notRetried)
        : Mono.defer(attempt).retryWhen(policy);
  }

  /**
   * {@code attempt}, subscribed again for each retry while {@code call} has emitted no text. Its
   * failures still need {@link #finalFailure}: with retries off no operator is added here (every
   * chunk would pass through it), and the record link's one per-chunk operator, which sees the
   * failure anyway, finishes it.
   */
  public Flux<LmChunk> stream(Supplier<Flux<LmChunk>> attempt, RecordLink.StreamCall call) {
    if (policy.maxRetries() == 0) {
      return Flux.defer(attempt);
    }
    Retry beforeText =
        Retry.from(
            signals ->
                policy.generateCompanion(
                    signals.handle(
                        (signal, sink) -> {
                          if (call.textEmitted()) {
                            sink.error(call.interrupted(signal.failure()));
                          } else {
                            sink.next(signal);
                          }
                        })));
    return Flux.defer(attempt).retryWhen(beforeText);
  }

  /**
   * The failure a stream of {@code call} ends with, from the failure {@link #stream} signalled:
   * with retries off, a {@code StreamInterruptedException} once text went downstream and otherwise
   * the failure with its {@link RetryPolicy#notRetried} note; with retries on, the failure as it is
   * (the retry companion already decided).
   */
  public Throwable finalFailure(Throwable failure, RecordLink.StreamCall call) {
    if (policy.maxRetries() != 0) {
      return failure;
    }
    return call.textEmitted() ? call.interrupted(failure) : policy.notRetried(failure);
  }
}
