package dev.dspy4j.examples.web;

import dev.dspy4j.core.predict.StreamEvent;
import dev.dspy4j.streaming.relay.AiSdkChat;
import dev.dspy4j.streaming.relay.AiSdkChatRequest;
import dev.dspy4j.streaming.relay.AiSdkInputMapping;
import dev.dspy4j.streaming.relay.InvalidChatRequestException;
import dev.dspy4j.streaming.relay.RelayFormat;
import dev.dspy4j.streaming.relay.SseRelay;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * Serves the streaming page on loopback, with the same module behind three wire formats:
 *
 * <ul>
 *   <li>{@code GET /} is the page; {@code GET /stream?question=...} relays {@code
 *       stream.apply(question)} as the relay's own server-sent events ({@link SseRelay});
 *   <li>{@code POST /api/chat} is a chat endpoint for the Vercel AI SDK ({@code useChat}, {@code
 *       DefaultChatTransport}): the last user message is the question, the answer comes back as a
 *       UI message stream ({@link AiSdkChat}); {@code GET /chat} is a second page driven by the AI
 *       SDK's client code, loaded from {@link #AI_SDK_CDN} or, when the server was given one, from
 *       a local browser bundle of it served at {@code /ai-sdk/ai.js};
 *   <li>{@code GET /dspy/stream?question=...} answers in Python DSPy's {@code streaming_response}
 *       format ({@link RelayFormat#dspyStreamingResponse()}), for frontends written against a DSPy
 *       server.
 * </ul>
 *
 * Plug in any module, e.g. {@code q -> ChainOfThought.of("question ->
 * answer").stream(Map.of("question", q))}. A client closing its stream (the page's Stop button, the
 * AI SDK's {@code stop()}) cancels the module's stream.
 */
public final class StreamingWebServer implements AutoCloseable {

  /** The longest question accepted, so a request cannot make the server hold arbitrary text. */
  public static final int MAX_QUESTION_LENGTH = 2_000;

  /**
   * Where the chat page loads the AI SDK ({@code ai}, the version the tests pin in
   * examples/src/test/node/package-lock.json) from, unless the server serves a local bundle.
   */
  public static final String AI_SDK_CDN = "https://esm.sh/ai@7.0.185";

  private static final String PAGE_RESOURCE = "/dev/dspy4j/examples/web/index.html";
  private static final String CHAT_PAGE_RESOURCE = "/dev/dspy4j/examples/web/chat.html";
  private static final String LOCAL_AI_SDK_PATH = "/ai-sdk/ai.js";

  private final byte[] page;
  private final byte[] chatPage;
  private final @Nullable Path aiSdkBundle;
  private final SseRelay relay;
  private final SseRelay dspyRelay;
  private final AiSdkChat chat;
  private final Function<String, ? extends Publisher<? extends StreamEvent>> stream;
  private final DisposableServer server;

  private StreamingWebServer(
      int port,
      SseRelay relay,
      Function<String, ? extends Publisher<? extends StreamEvent>> stream,
      @Nullable Path aiSdkBundle) {
    this.page = load(PAGE_RESOURCE);
    this.aiSdkBundle = aiSdkBundle;
    this.chatPage =
        new String(load(CHAT_PAGE_RESOURCE), StandardCharsets.UTF_8)
            .replace("__AI_SDK_MODULE_URL__", aiSdkBundle == null ? AI_SDK_CDN : LOCAL_AI_SDK_PATH)
            .getBytes(StandardCharsets.UTF_8);
    this.relay = relay;
    this.dspyRelay = relay.withFormat(RelayFormat.dspyStreamingResponse());
    this.chat =
        AiSdkChat.of(
                relay.withFormat(RelayFormat.aiSdk()),
                StreamingWebServer::questionOf,
                inputs -> askAbout((String) inputs.get("question")))
            .withMaxBodyBytes(
                64 * MAX_QUESTION_LENGTH); // the conversation comes along with the question
    this.stream = stream;
    this.server =
        HttpServer.create()
            .host("127.0.0.1")
            .port(port)
            .route(
                routes ->
                    routes
                        .get("/", this::page)
                        .get("/index.html", this::page)
                        .get("/chat", this::chatPage)
                        .get("/chat.html", this::chatPage)
                        .get(LOCAL_AI_SDK_PATH, this::aiSdk)
                        .get("/stream", (request, response) -> stream(request, response, relay))
                        .get(
                            "/dspy/stream",
                            (request, response) -> stream(request, response, dspyRelay))
                        .post("/api/chat", chat::handle)
                        .route(
                            request -> true,
                            (request, response) ->
                                text(response, HttpResponseStatus.NOT_FOUND, "not found")))
            .bindNow(Duration.ofSeconds(30));
  }

  /**
   * Starts the server on a free loopback port with a relay that coalesces tokens every 50 ms.
   *
   * @param stream from a question to the events of a module answering it
   */
  public static StreamingWebServer start(
      Function<String, ? extends Publisher<? extends StreamEvent>> stream) {
    return start(0, SseRelay.create().withCoalescing(Duration.ofMillis(50), 512), stream);
  }

  /** Starts the server on this loopback port (0 for a free one) with this relay. */
  public static StreamingWebServer start(
      int port,
      SseRelay relay,
      Function<String, ? extends Publisher<? extends StreamEvent>> stream) {
    Objects.requireNonNull(relay, "relay");
    Objects.requireNonNull(stream, "stream");
    return new StreamingWebServer(port, relay, stream, null);
  }

  /**
   * Starts the server on this loopback port (0 for a free one) with this relay; the chat page loads
   * the AI SDK from {@code aiSdkBundle}, a browser bundle of {@code ai} (ES module) served at
   * {@code /ai-sdk/ai.js}, instead of {@link #AI_SDK_CDN} (for machines without internet access).
   */
  public static StreamingWebServer start(
      int port,
      SseRelay relay,
      Function<String, ? extends Publisher<? extends StreamEvent>> stream,
      Path aiSdkBundle) {
    Objects.requireNonNull(relay, "relay");
    Objects.requireNonNull(stream, "stream");
    if (!Files.isRegularFile(Objects.requireNonNull(aiSdkBundle, "aiSdkBundle"))) {
      throw new IllegalArgumentException("no AI SDK bundle at " + aiSdkBundle);
    }
    return new StreamingWebServer(port, relay, stream, aiSdkBundle);
  }

  /** The page's URL, {@code http://127.0.0.1:<port>/}. */
  public String url() {
    return "http://127.0.0.1:" + server.port() + "/";
  }

  /** The loopback port. */
  public int port() {
    return server.port();
  }

  /** Completes when the server has been closed. */
  public Mono<Void> onClose() {
    return server.onDispose();
  }

  /** Stops the server. */
  @Override
  public void close() {
    server.disposeNow(Duration.ofSeconds(10));
  }

  private Publisher<Void> page(HttpServerRequest request, HttpServerResponse response) {
    return response
        .header(HttpHeaderNames.CONTENT_TYPE, "text/html; charset=utf-8")
        .header(HttpHeaderNames.CACHE_CONTROL, "no-store")
        .sendByteArray(Mono.just(page));
  }

  private Publisher<Void> chatPage(HttpServerRequest request, HttpServerResponse response) {
    return response
        .header(HttpHeaderNames.CONTENT_TYPE, "text/html; charset=utf-8")
        .header(HttpHeaderNames.CACHE_CONTROL, "no-store")
        .sendByteArray(Mono.just(chatPage));
  }

  private Publisher<Void> aiSdk(HttpServerRequest request, HttpServerResponse response) {
    if (aiSdkBundle == null) {
      return text(
          response,
          HttpResponseStatus.NOT_FOUND,
          "no local AI SDK bundle; the chat page loads " + AI_SDK_CDN);
    }
    return response
        .header(HttpHeaderNames.CONTENT_TYPE, "text/javascript; charset=utf-8")
        .sendFile(aiSdkBundle);
  }

  private Publisher<Void> stream(
      HttpServerRequest request, HttpServerResponse response, SseRelay format) {
    List<String> values =
        new QueryStringDecoder(request.uri()).parameters().getOrDefault("question", List.of());
    String question = values.isEmpty() ? "" : values.get(0).strip();
    if (question.isEmpty()) {
      return text(
          response,
          HttpResponseStatus.BAD_REQUEST,
          "missing query parameter 'question', e.g. /stream?question=What+is+DSPy%3F");
    }
    if (question.length() > MAX_QUESTION_LENGTH) {
      return text(
          response,
          HttpResponseStatus.BAD_REQUEST,
          "question is longer than " + MAX_QUESTION_LENGTH + " characters");
    }
    return format.send(response, askAbout(question));
  }

  /**
   * The module's stream for a question; a function that throws becomes an error event, not a
   * dropped connection.
   */
  private Flux<StreamEvent> askAbout(String question) {
    return Flux.<StreamEvent>defer(() -> Flux.from(stream.apply(question)));
  }

  /**
   * The AI SDK chat's question: its last user message, at most {@link #MAX_QUESTION_LENGTH}
   * characters.
   */
  private static Map<String, Object> questionOf(AiSdkChatRequest request) {
    Map<String, Object> inputs = AiSdkInputMapping.lastUserMessageAs("question").inputs(request);
    if (((String) inputs.get("question")).length() > MAX_QUESTION_LENGTH) {
      throw new InvalidChatRequestException(
          "question is longer than " + MAX_QUESTION_LENGTH + " characters");
    }
    return inputs;
  }

  private static Publisher<Void> text(
      HttpServerResponse response, HttpResponseStatus status, String message) {
    return response
        .status(status)
        .header(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
        .sendString(Mono.just(message + "\n"));
  }

  private static byte[] load(String resource) {
    try (InputStream in = StreamingWebServer.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(
            "the page " + resource + " is missing from the classpath; rebuild the examples jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
  }

  @Override
  public String toString() {
    return "StreamingWebServer[" + url() + ", " + relay + "]";
  }
}
