package dev.dspy4j.streaming.internal;

import io.netty.channel.Channel;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import reactor.netty.Connection;

/**
 * The two timers of one streamed response body, both run by the connection's event loop, so that
 * reading a buffer costs no timer work at all:
 *
 * <ul>
 *   <li>the <b>idle timeout</b>: when no byte arrived for {@code idleTimeout}, the body fails with
 *       {@link LmErrors.IdleTimeoutException} and the connection is closed. A connection opened
 *       with a {@link ReadCounter} is watched by one event-loop task per response that looks at the
 *       counter every quarter of the timeout (so the timeout fires between 1 and 1.25 times {@code
 *       idleTimeout} after the last read); other connections (one opened by another client sharing
 *       the pool, an HTTP/2 stream) get a read-idle handler for the response ({@code
 *       Connection.onReadIdle}, removed when the connection goes back to the pool);
 *   <li>the <b>grace after {@code [DONE]}</b>: once the answer is complete, the rest of the body
 *       (normally just the end of the chunked encoding, so that the connection can be reused) must
 *       end within {@code grace}; a server that keeps sending is cut off by closing the connection.
 * </ul>
 *
 * <p>A failure after {@code [DONE]} (the connection closed by the grace timer, or by the server)
 * does not spoil a complete answer: the caller ends such a body normally. One instance per
 * response.
 */
final class StreamTimers {

  private final Channel channel;
  private final Duration grace;
  private volatile boolean finished;
  private @Nullable ScheduledFuture<?> graceTask;

  // The idle watch over a ReadCounter; touched on the event loop only (but the task is cancelled
  // from finish(), on any thread).
  private volatile @Nullable ScheduledFuture<?> idleTask;
  private @Nullable ReadCounter counter;
  private @Nullable BooleanSupplier done;
  private long tickNanos;
  private long idleNanos;
  private long lastReads;
  private long quietNanos;

  private StreamTimers(Channel channel, Duration grace) {
    this.channel = channel;
    this.grace = grace;
  }

  /**
   * Starts the idle timeout of {@code connection}'s response body. {@code done} tells, on the event
   * loop, whether {@code [DONE]} has arrived: an idle body after it is simply closed.
   */
  static StreamTimers start(
      Connection connection, Duration idleTimeout, Duration grace, BooleanSupplier done) {
    var timers = new StreamTimers(connection.channel(), grace);
    ReadCounter counter = ReadCounter.of(connection.channel());
    if (counter == null || !connection.channel().eventLoop().inEventLoop()) {
      connection.onReadIdle(
          Math.max(1, idleTimeout.toMillis()), () -> timers.idle(done.getAsBoolean()));
    } else {
      timers.watch(counter, idleTimeout, done);
    }
    return timers;
  }

  private void watch(ReadCounter counter, Duration idleTimeout, BooleanSupplier done) {
    this.counter = counter;
    this.done = done;
    this.idleNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(1), idleTimeout.toNanos());
    this.tickNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(1), idleNanos / 4);
    this.lastReads = counter.reads();
    idleTask = channel.eventLoop().schedule(this::tick, tickNanos, TimeUnit.NANOSECONDS);
  }

  /** Every quarter of the idle timeout, on the event loop: were there reads since the last tick? */
  private void tick() {
    if (finished) {
      return;
    }
    long reads = counter.reads();
    if (reads != lastReads) {
      lastReads = reads;
      quietNanos = 0;
    } else {
      quietNanos += tickNanos;
      if (quietNanos >= idleNanos) {
        idle(done.getAsBoolean());
        return;
      }
    }
    idleTask = channel.eventLoop().schedule(this::tick, tickNanos, TimeUnit.NANOSECONDS);
  }

  /**
   * Called on the event loop when {@code [DONE]} arrived: the rest of the body gets {@code grace}.
   */
  void onDone() {
    if (graceTask == null && !finished) {
      graceTask =
          channel
              .eventLoop()
              .schedule(this::cutOff, Math.max(1, grace.toMillis()), TimeUnit.MILLISECONDS);
    }
  }

  /** The body ended, failed or was cancelled: no timer may touch the connection any more. */
  void finish() {
    finished = true;
    ScheduledFuture<?> task = graceTask;
    if (task != null) {
      task.cancel(false);
    }
    ScheduledFuture<?> idle = idleTask;
    if (idle != null) {
      idle.cancel(false);
    }
  }

  private void idle(boolean done) {
    if (finished) {
      return;
    }
    if (!done) {
      channel.pipeline().fireExceptionCaught(new LmErrors.IdleTimeoutException());
    }
    channel.close();
  }

  private void cutOff() {
    if (!finished) {
      channel.close();
    }
  }
}
