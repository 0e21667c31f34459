package dev.dspy4j.streaming.testing;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;
import org.reactivestreams.Publisher;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * A Reactor Netty HTTP server on 127.0.0.1 with a random port, for tests that need control over the
 * response bytes and to observe the client's connections (opened, closed).
 */
public final class LoopbackServer implements AutoCloseable {

  private final DisposableServer server;
  private final AtomicInteger opened = new AtomicInteger();
  private final AtomicInteger closed = new AtomicInteger();
  private volatile CountDownLatch closeLatch = new CountDownLatch(1);

  private LoopbackServer(
      UnaryOperator<HttpServer> configure,
      BiFunction<? super HttpServerRequest, ? super HttpServerResponse, ? extends Publisher<Void>>
          handler) {
    this.server =
        configure
            .apply(HttpServer.create())
            .host("127.0.0.1")
            .port(0)
            .doOnConnection(
                connection -> {
                  opened.incrementAndGet();
                  connection.onDispose(
                      () -> {
                        closed.incrementAndGet();
                        closeLatch.countDown();
                      });
                })
            .handle(handler)
            .bindNow(Duration.ofSeconds(30));
  }

  /** Starts a server answering every request with {@code handler}. */
  public static LoopbackServer start(
      BiFunction<? super HttpServerRequest, ? super HttpServerResponse, ? extends Publisher<Void>>
          handler) {
    return new LoopbackServer(UnaryOperator.identity(), handler);
  }

  /**
   * Starts a server configured by {@code configure} (socket options, ...) answering with {@code
   * handler}.
   */
  public static LoopbackServer start(
      UnaryOperator<HttpServer> configure,
      BiFunction<? super HttpServerRequest, ? super HttpServerResponse, ? extends Publisher<Void>>
          handler) {
    return new LoopbackServer(configure, handler);
  }

  /** The apiBase for an LM talking to this server. */
  public String apiBase() {
    return "http://127.0.0.1:" + server.port() + "/v1";
  }

  /** Connections the server accepted so far. */
  public int connectionsOpened() {
    return opened.get();
  }

  /** Connections that were closed so far (by either side). */
  public int connectionsClosed() {
    return closed.get();
  }

  /** Waits until a connection closes (since the start or the last {@link #resetCloseWatch()}). */
  public boolean awaitConnectionClosed(Duration timeout) throws InterruptedException {
    return closeLatch.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Watches for the next close. */
  public void resetCloseWatch() {
    closeLatch = new CountDownLatch(1);
  }

  @Override
  public void close() {
    server.disposeNow(Duration.ofSeconds(10));
  }
}
