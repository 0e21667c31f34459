package dev.dspy4j.streaming.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import org.jspecify.annotations.Nullable;
import reactor.netty.http.client.HttpClient;

/**
 * Counts the reads of one connection, for the idle timeout of the streams that use it ({@link
 * StreamTimers}). Installed once, when the connection's channel is initialised, at the head of its
 * pipeline, and kept for the connection's life: a pooled connection serves many streams, and adding
 * and removing a handler for each of them (what {@code Connection.onReadIdle} does) cost about 7 %
 * of a short stream's CPU. Touched only on the connection's event loop.
 */
final class ReadCounter extends ChannelInboundHandlerAdapter {

  private static final String NAME = "dspy4j.readCounter";
  private static final AttributeKey<ReadCounter> KEY = AttributeKey.valueOf(NAME);

  private long reads;

  /** {@code http} with a counter on every connection it opens. */
  static HttpClient installedOn(HttpClient http) {
    return http.doOnChannelInit((observer, channel, address) -> install(channel));
  }

  /** Puts a counter at the head of {@code channel}'s pipeline. */
  static ReadCounter install(Channel channel) {
    ReadCounter counter = new ReadCounter();
    channel.pipeline().addFirst(NAME, counter);
    channel.attr(KEY).set(counter);
    return counter;
  }

  /** The counter of {@code channel}, or null when it was opened without one. */
  static @Nullable ReadCounter of(Channel channel) {
    return channel.attr(KEY).get();
  }

  /** The reads so far (on the event loop). */
  long reads() {
    return reads;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    reads++;
    ctx.fireChannelRead(msg);
  }
}
