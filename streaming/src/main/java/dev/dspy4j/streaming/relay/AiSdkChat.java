package dev.dspy4j.streaming.relay;

import dev.dspy4j.core.predict.StreamEvent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * A Reactor Netty chat endpoint for the Vercel AI SDK: reads the body {@code DefaultChatTransport}
 * POSTs ({@link AiSdkChatRequest}), maps it to the module's inputs ({@link AiSdkInputMapping}) and
 * answers with the module's stream as a UI message stream ({@link AiSdkUiMessageStream}). A body
 * that is too large, malformed or lacks what the mapping needs gets {@code 400} with a plain-text
 * reason, and the module is not called. The client aborting (its {@code stop()}, or closing the
 * page) cancels the module's stream and so the LM request.
 *
 * <pre>{@code
 * AiSdkChat chat = AiSdkChat.of(relay, AiSdkInputMapping.lastUserMessageAs("question"), qa::stream);
 * HttpServer.create().route(routes -> routes.post("/api/chat", chat::handle)).bindNow();
 * }</pre>
 *
 * Immutable and thread-safe.
 */
public final class AiSdkChat {

  /** The largest request body accepted unless configured otherwise (1 MiB). */
  public static final int DEFAULT_MAX_BODY_BYTES = 1 << 20;

  private final SseRelay relay;
  private final AiSdkInputMapping mapping;
  private final Function<Map<String, Object>, ? extends Publisher<? extends StreamEvent>> stream;
  private final int maxBodyBytes;

  private AiSdkChat(
      SseRelay relay,
      AiSdkInputMapping mapping,
      Function<Map<String, Object>, ? extends Publisher<? extends StreamEvent>> stream,
      int maxBodyBytes) {
    this.relay = relay;
    this.mapping = mapping;
    this.stream = stream;
    this.maxBodyBytes = maxBodyBytes;
  }

  /**
   * A chat endpoint streaming {@code stream.apply(inputs)} through {@code relay}. The relay's
   * format is kept when it is an {@link AiSdkUiMessageStream} (to choose reasoning and text
   * fields), else replaced by {@link RelayFormat#aiSdk()}; its heartbeat and coalescing settings
   * are kept.
   *
   * @param stream from the module's inputs to its events, e.g. {@code qa::stream}
   */
  public static AiSdkChat of(
      SseRelay relay,
      AiSdkInputMapping mapping,
      Function<Map<String, Object>, ? extends Publisher<? extends StreamEvent>> stream) {
    Objects.requireNonNull(relay, "relay");
    Objects.requireNonNull(mapping, "mapping");
    Objects.requireNonNull(stream, "stream");
    SseRelay aiSdkRelay =
        relay.format() instanceof AiSdkUiMessageStream
            ? relay
            : relay.withFormat(RelayFormat.aiSdk());
    return new AiSdkChat(aiSdkRelay, mapping, stream, DEFAULT_MAX_BODY_BYTES);
  }

  /** This endpoint, rejecting request bodies larger than {@code maxBytes}. */
  public AiSdkChat withMaxBodyBytes(int maxBytes) {
    if (maxBytes < 1) {
      throw new IllegalArgumentException("maxBodyBytes must be at least 1 (got " + maxBytes + ")");
    }
    return new AiSdkChat(relay, mapping, stream, maxBytes);
  }

  /** The relay writing the responses (its format is an {@link AiSdkUiMessageStream}). */
  public SseRelay relay() {
    return relay;
  }

  /**
   * Handles one POST: use as a Reactor Netty route handler ({@code routes.post("/api/chat",
   * chat::handle)}). Completes when the response is written.
   */
  public Publisher<Void> handle(HttpServerRequest request, HttpServerResponse response) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(response, "response");
    return inputs(request)
        .flatMap(
            inputs ->
                Mono.from(
                    relay.send(
                        response, Flux.<StreamEvent>defer(() -> Flux.from(stream.apply(inputs))))))
        .onErrorResume(
            InvalidChatRequestException.class,
            e ->
                response
                    .status(HttpResponseStatus.BAD_REQUEST)
                    .header(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                    .sendString(Mono.just(e.getMessage() + "\n"))
                    .then());
  }

  /** The module's inputs for a request: its body read (at most the limit), parsed and mapped. */
  public Mono<Map<String, Object>> inputs(HttpServerRequest request) {
    Objects.requireNonNull(request, "request");
    String declared = request.requestHeaders().get(HttpHeaderNames.CONTENT_LENGTH);
    if (declared != null && isLongerThan(declared, maxBodyBytes)) {
      return Mono.error(tooLarge());
    }
    return request
        .receive()
        .asByteArray()
        .collect(
            ByteArrayOutputStream::new,
            (out, bytes) -> {
              if (out.size() + (long) bytes.length > maxBodyBytes) {
                throw tooLarge();
              }
              out.writeBytes(bytes);
            })
        .map(out -> AiSdkChatRequest.parse(out.toString(StandardCharsets.UTF_8)))
        .map(mapping::inputs);
  }

  private static boolean isLongerThan(String contentLength, int max) {
    try {
      return Long.parseLong(contentLength.strip()) > max;
    } catch (NumberFormatException e) {
      return false; // Netty rejects a malformed Content-Length itself; the read below still counts
    }
  }

  private InvalidChatRequestException tooLarge() {
    return new InvalidChatRequestException(
        "the chat request body is larger than " + maxBodyBytes + " bytes");
  }

  @Override
  public String toString() {
    return "AiSdkChat[" + relay + ", max body " + maxBodyBytes + " bytes]";
  }
}
