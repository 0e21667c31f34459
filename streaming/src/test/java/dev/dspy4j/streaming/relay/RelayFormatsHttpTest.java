package dev.dspy4j.streaming.relay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.core.predict.Prediction;
import dev.dspy4j.core.predict.StreamEvent;
import dev.dspy4j.core.predict.StreamEvent.Done;
import dev.dspy4j.core.predict.StreamEvent.FieldChunk;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Sinks;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * The AI SDK and DSPy formats behind real Reactor Netty routes, read line by line by a real HTTP
 * client while the test drives the module's stream: each chunk must reach the client before the
 * module has produced the rest of the answer.
 */
class RelayFormatsHttpTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CHAT_BODY =
      "{\"id\":\"chat-1\",\"messages\":[{\"id\":\"m1\",\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"text\":\"How many floors?\"}]}],"
          + "\"trigger\":\"submit-message\"}";

  private final ExecutorService reader = Executors.newSingleThreadExecutor();
  private final Sinks.Many<StreamEvent> module = Sinks.many().unicast().onBackpressureBuffer();
  private final List<Map<String, Object>> moduleInputs = new ArrayList<>();
  private final AtomicInteger cancelled = new AtomicInteger();
  private DisposableServer server;

  @AfterEach
  void stop() {
    reader.shutdownNow();
    if (server != null) server.disposeNow(Duration.ofSeconds(10));
  }

  private void serve() {
    var relay = SseRelay.create().withoutHeartbeat();
    AiSdkChat chat =
        AiSdkChat.of(
                relay,
                AiSdkInputMapping.lastUserMessageAs("question"),
                inputs -> {
                  moduleInputs.add(inputs);
                  return module.asFlux().doOnCancel(cancelled::incrementAndGet);
                })
            .withMaxBodyBytes(4_096);
    var dspyRelay = relay.withFormat(RelayFormat.dspyStreamingResponse());
    server =
        HttpServer.create()
            .host("127.0.0.1")
            .port(0)
            .route(
                routes ->
                    routes
                        .post("/api/chat", chat::handle)
                        .get(
                            "/dspy",
                            (request, response) -> dspyRelay.send(response, module.asFlux())))
            .bindNow(Duration.ofSeconds(10));
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  /** Reads lines until one matches, failing when none does within 10 s. */
  private String awaitLine(Iterator<String> lines, Predicate<String> matches) throws Exception {
    return reader
        .submit(
            () -> {
              while (lines.hasNext()) {
                String line = lines.next();
                if (matches.test(line)) return line;
              }
              throw new AssertionError("the stream ended before the expected line");
            })
        .get(10, TimeUnit.SECONDS);
  }

  private static List<String> rest(Iterator<String> lines) {
    var out = new ArrayList<String>();
    lines.forEachRemaining(out::add);
    return out;
  }

  private static JsonNode data(String line) throws Exception {
    assertThat(line).startsWith("data: ");
    return JSON.readTree(line.substring("data: ".length()));
  }

  @Test
  void aiSdkChunksReachTheClientBeforeTheAnswerIsComplete() throws Exception {
    serve();
    HttpResponse<Stream<String>> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(uri("/api/chat"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(CHAT_BODY))
                    .build(),
                HttpResponse.BodyHandlers.ofLines());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("x-vercel-ai-ui-message-stream")).hasValue("v1");
    assertThat(response.headers().firstValue("content-type").orElseThrow())
        .startsWith("text/event-stream");
    Iterator<String> lines = response.body().iterator();

    assertThat(data(awaitLine(lines, l -> l.contains("\"start\""))).get("messageId").asText())
        .startsWith("msg-");
    module.tryEmitNext(new FieldChunk("reasoning", "Counting", false));
    JsonNode reasoning = data(awaitLine(lines, l -> l.contains("reasoning-delta")));
    assertThat(reasoning.get("delta").asText()).isEqualTo("Counting");
    module.tryEmitNext(new FieldChunk("reasoning", " floors.", true));
    module.tryEmitNext(new FieldChunk("answer", "Fi", false));
    JsonNode text = data(awaitLine(lines, l -> l.contains("text-delta")));
    assertThat(text.get("delta").asText()).isEqualTo("Fi");

    // Only now does the module finish its answer.
    module.tryEmitNext(new FieldChunk("answer", "ve", true));
    module.tryEmitNext(
        new Done(Prediction.of(Map.of("reasoning", "Counting floors.", "answer", "Five"))));
    module.tryEmitComplete();
    List<String> rest = rest(lines);
    assertThat(rest).contains("data: {\"type\":\"text-delta\",\"id\":\"text-2\",\"delta\":\"ve\"}");
    assertThat(rest.stream().filter(l -> !l.isEmpty()).toList())
        .endsWith(
            "data: {\"type\":\"finish-step\"}",
            "data: {\"type\":\"finish\",\"finishReason\":\"stop\"}",
            "data: [DONE]");
    assertThat(moduleInputs).containsExactly(Map.of("question", "How many floors?"));
  }

  @Test
  void dspyChunksReachTheClientBeforeTheAnswerIsComplete() throws Exception {
    serve();
    HttpResponse<Stream<String>> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(uri("/dspy")).build(), HttpResponse.BodyHandlers.ofLines());
    assertThat(response.statusCode()).isEqualTo(200);
    Iterator<String> lines = response.body().iterator();

    module.tryEmitNext(new FieldChunk("answer", "Fi", false));
    JsonNode first = data(awaitLine(lines, l -> l.startsWith("data: ")));
    assertThat(first.at("/chunk/choices/0/delta/content").asText()).isEqualTo("Fi");

    module.tryEmitNext(new FieldChunk("answer", "ve", true));
    module.tryEmitNext(new Done(Prediction.of(Map.of("answer", "Five"))));
    module.tryEmitComplete();
    List<String> rest = rest(lines).stream().filter(l -> !l.isEmpty()).toList();
    assertThat(rest).hasSize(3);
    assertThat(data(rest.get(1)).get("prediction"))
        .isEqualTo(JSON.readTree("{\"answer\":\"Five\"}"));
    assertThat(rest.get(2)).isEqualTo("data: [DONE]");
  }

  @Test
  void aBadChatRequestIsA400AndTheModuleIsNotCalled() throws Exception {
    serve();
    var http = HttpClient.newHttpClient();
    for (String body :
        List.of(
            "not json",
            "{\"messages\":\"hello\"}",
            "{\"messages\":[{\"role\":\"assistant\",\"parts\":[{\"type\":\"text\",\"text\":\"hi\"}]}]}",
            "{\"messages\":[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"text\":\""
                + "x".repeat(5_000)
                + "\"}]}]}")) {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(uri("/api/chat"))
                  .POST(HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode())
          .as(body.substring(0, Math.min(40, body.length())))
          .isEqualTo(400);
      assertThat(response.body()).isNotBlank().doesNotContain("xxxx");
    }
    assertThat(moduleInputs).isEmpty();
  }
}
