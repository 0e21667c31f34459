package dev.dspy4j.bench.floor;

import dev.dspy4j.bench.harness.ClientConfig;
import dev.dspy4j.bench.harness.Harness;
import dev.dspy4j.bench.harness.StreamClient;
import dev.dspy4j.bench.harness.StreamListener;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import java.nio.charset.StandardCharsets;
import reactor.core.publisher.Mono;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/**
 * The physical floor: a bare Reactor Netty POST of a pre-encoded body that counts response bytes
 * and decodes nothing. No client library can stream the same bytes for less CPU than this.
 */
public final class FloorClient implements StreamClient {

  private final ConnectionProvider pool;
  private final LoopResources loops;
  private final HttpClient http;
  private final byte[] body;
  private final String url;

  FloorClient(ClientConfig c) {
    c.requireStreamMode("floor");
    this.pool =
        ConnectionProvider.builder("bench-floor")
            .maxConnections(c.maxConcurrency())
            .pendingAcquireMaxCount(-1)
            .pendingAcquireTimeout(c.timeout())
            .build();
    this.loops = LoopResources.create("bench-floor");
    this.http =
        HttpClient.create(pool)
            .runOn(loops)
            .protocol(HttpProtocol.HTTP11)
            .responseTimeout(c.timeout())
            .headers(
                h ->
                    h.set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                        .set(HttpHeaderNames.AUTHORIZATION, "Bearer " + c.apiKey())
                        .set(HttpHeaderNames.ACCEPT, "text/event-stream"));
    this.body =
        ("{\"model\":\""
                + c.model()
                + "\",\"messages\":[{\"role\":\"user\",\"content\":\""
                + Harness.PROMPT
                + "\"}],\"stream\":true,\"stream_options\":{\"include_usage\":true}}")
            .getBytes(StandardCharsets.UTF_8);
    this.url = c.baseUrl() + "/chat/completions";
  }

  @Override
  public void start(String prompt, StreamListener listener) {
    http.post()
        .uri(url)
        .send(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(body)))
        .response(
            (res, content) -> {
              if (res.status().code() != 200) {
                return Mono.error(new IllegalStateException("HTTP " + res.status().code()));
              }
              // Count bytes, decode nothing; a response without a body is an error, not a
              // completion.
              return content
                  .reduce(
                      0L,
                      (n, buf) -> {
                        listener.onToken();
                        return n + buf.readableBytes();
                      })
                  .flatMap(
                      n ->
                          n > 0
                              ? Mono.<Void>empty()
                              : Mono.error(new IllegalStateException("empty body")));
            })
        .subscribe(null, listener::onError, listener::onComplete);
  }

  @Override
  public boolean countsTokens() {
    return false;
  }

  @Override
  public void close() {
    pool.dispose();
    loops.dispose();
  }

  /** Client JVM entry point; see {@link Harness}. */
  public static void main(String[] args) {
    Harness.run(args, FloorClient::new);
  }
}
