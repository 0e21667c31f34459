package dev.dspy4j.streaming.relay;

import java.time.Duration;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Adds a {@code : keep-alive} comment whenever a frame stream has been idle for a while. */
final class Heartbeats {

  private static final Object RESET = new Object();

  private Heartbeats() {}

  /**
   * The frames, plus {@link SseFrame#KEEP_ALIVE} after every {@code idle} without a frame (counted
   * from the subscription and from the latest frame). Completes when the frames complete;
   * heartbeats that meet no demand are dropped, never the frames. The frames must not error.
   */
  static Flux<SseFrame> whenIdle(Flux<SseFrame> frames, Duration idle) {
    return frames.publish(
        shared ->
            Flux.merge(
                shared,
                // Every frame restarts the idle timer: switchMap drops the running interval.
                shared
                    .map(frame -> RESET)
                    .startWith(RESET)
                    .switchMap(reset -> Flux.interval(idle, idle))
                    .map(tick -> SseFrame.KEEP_ALIVE)
                    .onBackpressureDrop()
                    .takeUntilOther(
                        shared.then().onErrorResume(e -> Mono.empty()).thenReturn(RESET))));
  }
}
