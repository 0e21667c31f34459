package dev.dspy4j.kafka;

import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * One started {@link KafkaRunner}: a member of the consumer group with its own poll thread.
 *
 * <p>{@link #dispose()} asks for a graceful stop and returns at once: no new record is started
 * (records fetched but not started are left uncommitted for the next owner), the records in flight
 * finish and have their outputs written, their offsets are committed, then the consumer leaves the
 * group and the clients close. Records still in flight after the drain timeout are abandoned and
 * not committed. {@link #terminated()} tells when all of that is over.
 */
public interface KafkaRun extends Disposable {

  /** Asks for a graceful stop (drain, commit, close); returns at once. Idempotent. */
  @Override
  void dispose();

  /** True once a stop was asked for (by {@link #dispose()} or because of a fatal error). */
  @Override
  boolean isDisposed();

  /**
   * Completes once the runner stopped and closed its clients; errors with a {@link
   * KafkaRunnerException} if it stopped because of a fatal error. Replays to late subscribers.
   */
  Mono<Void> terminated();

  /**
   * {@link #dispose()}, then {@link #terminated()}: completes when the drain and the final commit
   * are done.
   */
  default Mono<Void> disposeGracefully() {
    return Mono.defer(
        () -> {
          dispose();
          return terminated();
        });
  }

  /** A snapshot of counts, in-flight and uncommitted records, assignment and lag. */
  KafkaRunnerProgress progress();
}
