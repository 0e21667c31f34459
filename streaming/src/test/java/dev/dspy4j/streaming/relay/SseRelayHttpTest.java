package dev.dspy4j.streaming.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.core.predict.StreamEvent;
import dev.dspy4j.core.predict.StreamEvent.FieldChunk;
import dev.dspy4j.test.SseParser;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/** The relay behind a real Reactor Netty route, read by real HTTP clients on loopback. */
class SseRelayHttpTest {

  private DisposableServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.disposeNow(Duration.ofSeconds(10));
    }
  }

  private void serve(SseRelay relay, Function<String, Flux<StreamEvent>> stream) {
    server =
        HttpServer.create()
            .host("127.0.0.1")
            .port(0)
            .route(
                routes ->
                    routes.get(
                        "/stream",
                        (request, response) -> relay.send(response, stream.apply(request.uri()))))
            .bindNow(Duration.ofSeconds(10));
  }

  @Test
  void aReactorNettyRouteDeliversTheEventsOverHttp() throws Exception {
    serve(SseRelay.create(), uri -> Flux.fromIterable(SseRelayTest.sampleEvents()));

    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/stream"))
                    .header("Accept", "text/event-stream")
                    .timeout(Duration.ofSeconds(20))
                    .build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type"))
        .hasValue("text/event-stream;charset=UTF-8");
    assertThat(response.headers().firstValue("cache-control")).hasValue("no-cache");
    var parsed = SseParser.parse(response.body());
    assertThat(parsed.events()).hasSize(SseRelayTest.sampleEvents().size());
    assertThat(parsed.events().get(parsed.events().size() - 1).type()).isEqualTo("done");
    assertThat(SseRelayTest.concatenated(parsed.events(), "reasoning"))
        .isEqualTo(SseRelayTest.REASONING);
    assertThat(SseRelayTest.concatenated(parsed.events(), "answer")).isEqualTo(SseRelayTest.ANSWER);
  }

  @Test
  void aClientDisconnectCancelsTheUpstream() throws Exception {
    var cancelled = new CountDownLatch(1);
    var subscribed = new CountDownLatch(1);
    serve(
        SseRelay.create(),
        uri ->
            Flux.interval(Duration.ofMillis(50))
                .map(i -> (StreamEvent) new FieldChunk("answer", "token" + i + " ", false))
                .doOnSubscribe(s -> subscribed.countDown())
                .doOnCancel(cancelled::countDown));

    String received;
    try (var socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 10_000);
      socket.setSoTimeout(20_000);
      socket
          .getOutputStream()
          .write(
              "GET /stream HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n"
                  .getBytes(StandardCharsets.US_ASCII));
      received = readUntil(socket.getInputStream(), "token2 ");
    } // closing the socket is the browser going away

    assertThat(received).contains("event: field").contains("token0 ");
    assertThat(subscribed.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(cancelled.await(20, TimeUnit.SECONDS))
        .as("the upstream stream was cancelled after the client disconnected")
        .isTrue();
  }

  @Test
  void anIdleStreamSendsHeartbeatsOverHttp() throws Exception {
    serve(
        SseRelay.create().withHeartbeat(Duration.ofMillis(200)), uri -> Flux.<StreamEvent>never());
    try (var socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 10_000);
      socket.setSoTimeout(20_000);
      socket
          .getOutputStream()
          .write(
              "GET /stream HTTP/1.1\r\nHost: localhost\r\n\r\n"
                  .getBytes(StandardCharsets.US_ASCII));
      String received = readUntil(socket.getInputStream(), ": keep-alive\n\n");
      assertThat(received).startsWith("HTTP/1.1 200").contains("text/event-stream");
    }
  }

  private static String readUntil(InputStream in, String marker) throws Exception {
    var bytes = new ByteArrayOutputStream();
    var buffer = new byte[1024];
    while (!bytes.toString(StandardCharsets.UTF_8).contains(marker)) {
      int n = in.read(buffer);
      if (n < 0) {
        throw new AssertionError(
            "connection closed before '" + marker + "': " + bytes.toString(StandardCharsets.UTF_8));
      }
      bytes.write(buffer, 0, n);
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
