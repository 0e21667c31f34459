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
 *   <li>the <b>idle timeout</b>: a read-idle handler on the connection (removed by Reactor Netty
 *       when the connection goes back to the pool). When no byte arrived for {@code idleTimeout},
 *       the body fails with {@link LmErrors.IdleTimeoutException} and the connection is closed;
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
    connection.onReadIdle(
        Math.max(1, idleTimeout.toMillis()), () -> timers.idle(done.getAsBoolean()));
    return timers;
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
