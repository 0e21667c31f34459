package dev.dspy4j.streaming.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.netty.Connection;

/**
 * The idle timeout of a response on a connection opened with a {@link ReadCounter}: one event-loop
 * task per response, no handler added to the pipeline; in virtual time on an embedded channel.
 */
class StreamTimersTest {

  private final EmbeddedChannel channel = new EmbeddedChannel();

  @AfterEach
  void close() {
    channel.finishAndReleaseAll();
  }

  private void read() {
    channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {'x'}));
    channel.readInbound();
  }

  /** Lets {@code millis} pass in 1 ms steps, running what is due at each. */
  private void advance(long millis) {
    for (long i = 0; i < millis; i++) {
      channel.advanceTimeBy(1, TimeUnit.MILLISECONDS);
      channel.runScheduledPendingTasks();
    }
  }

  @Test
  void readsKeepTheResponseAliveAndSilenceEndsIt() {
    ReadCounter.install(channel);
    int handlers = channel.pipeline().names().size();
    StreamTimers.start(
        Connection.from(channel), Duration.ofMillis(100), Duration.ofSeconds(1), () -> false);
    assertThat(channel.pipeline().names()).as("no handler per response").hasSize(handlers);

    for (int i = 0; i < 10; i++) { // 600 ms with a read every 60 ms: never idle
      advance(60);
      read();
    }
    assertThat(channel.isOpen()).isTrue();

    advance(99);
    assertThat(channel.isOpen()).as("not idle before 100 ms without a read").isTrue();
    advance(26); // the ticks see 100 ms without a read at most 125 ms after the last read
    assertThat(channel.isOpen()).isFalse();
    assertThatThrownBy(channel::checkException).isInstanceOf(LmErrors.IdleTimeoutException.class);
  }

  @Test
  void afterDoneAnIdleBodyIsClosedWithoutAFailure() {
    ReadCounter.install(channel);
    StreamTimers.start(
        Connection.from(channel), Duration.ofMillis(100), Duration.ofSeconds(10), () -> true);
    advance(200);
    assertThat(channel.isOpen()).isFalse();
    channel.checkException(); // nothing was fired
  }

  @Test
  void aFinishedResponseIsNotWatchedAnyMore() {
    ReadCounter.install(channel);
    StreamTimers timers =
        StreamTimers.start(
            Connection.from(channel), Duration.ofMillis(100), Duration.ofSeconds(1), () -> false);
    timers.finish();
    advance(1_000);
    assertThat(channel.isOpen()).isTrue();
  }

  @Test
  void theCounterCountsEveryRead() {
    ReadCounter counter = ReadCounter.install(channel);
    read();
    read();
    assertThat(counter.reads()).isEqualTo(2);
    assertThat(ReadCounter.of(channel)).isSameAs(counter);
    assertThat(ReadCounter.of(new EmbeddedChannel())).isNull();
  }
}
