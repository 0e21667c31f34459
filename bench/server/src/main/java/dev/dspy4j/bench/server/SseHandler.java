package dev.dspy4j.bench.server;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpUtil;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Answers every {@code POST .../chat/completions} with its pre-encoded {@link ResponseScript}.
 * Bytes go out as wrapped arrays (no copy, no encoding). With no delay the whole response is one
 * write; with a delay each delta is written and flushed on the channel's event loop at a fixed
 * rate.
 */
final class SseHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

  private static final ConcurrentHashMap<String, ResponseScript> SCRIPTS =
      new ConcurrentHashMap<>();
  private static final int MAX_SCRIPTS = 64;
  private static final byte[] NOT_FOUND =
      ("HTTP/1.1 404 Not Found\r\ncontent-type: text/plain\r\n"
              + "content-length: 9\r\n\r\nnot found")
          .getBytes(StandardCharsets.US_ASCII);

  private ScheduledFuture<?> ticking;

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
    ResponseScript script = req.method() == HttpMethod.POST ? script(req.uri()) : null;
    if (script == null) {
      ctx.writeAndFlush(Unpooled.wrappedBuffer(NOT_FOUND)).addListener(ChannelFutureListener.CLOSE);
      return;
    }
    boolean keepAlive = HttpUtil.isKeepAlive(req);
    if (script.delayMillis() == 0) {
      var f = ctx.writeAndFlush(Unpooled.wrappedBuffer(script.whole()));
      if (!keepAlive) {
        f.addListener(ChannelFutureListener.CLOSE);
      }
      return;
    }
    ctx.writeAndFlush(Unpooled.wrappedBuffer(script.head()));
    int[] next = {0};
    ticking =
        ctx.executor()
            .scheduleAtFixedRate(
                () -> {
                  if (!ctx.channel().isActive()) {
                    stopTicking();
                    return;
                  }
                  int i = next[0]++;
                  if (i < script.deltas().size()) {
                    ctx.writeAndFlush(Unpooled.wrappedBuffer(script.deltas().get(i)));
                  }
                  if (i >= script.deltas().size() - 1) {
                    stopTicking();
                    var f = ctx.writeAndFlush(Unpooled.wrappedBuffer(script.tail()));
                    if (!keepAlive) {
                      f.addListener(ChannelFutureListener.CLOSE);
                    }
                  }
                },
                0,
                script.delayMillis(),
                TimeUnit.MILLISECONDS);
  }

  private void stopTicking() {
    if (ticking != null) {
      ticking.cancel(false);
      ticking = null;
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    stopTicking();
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // A client that goes away mid-stream is normal under load; just drop the connection.
    stopTicking();
    ctx.close();
  }

  private static ResponseScript script(String uri) {
    ResponseScript s = SCRIPTS.get(uri);
    if (s != null) {
      return s;
    }
    s = ResponseScript.forPath(uri);
    if (s != null && SCRIPTS.size() < MAX_SCRIPTS) {
      SCRIPTS.putIfAbsent(uri, s);
    }
    return s;
  }
}
