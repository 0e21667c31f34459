package dev.dspy4j.streaming.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.core.http.Headers;
import dev.dspy4j.core.lm.LmChunk;
import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.core.lm.LmResponse;
import dev.dspy4j.core.lm.LmTransport;
import dev.dspy4j.core.lm.ServerException;
import dev.dspy4j.core.lm.ToolCall;
import dev.dspy4j.core.lm.ToolCallDelta;
import dev.dspy4j.core.lm.Usage;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.Connection;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientResponse;
import reactor.util.context.ContextView;

/**
 * The transport of an LM ({@link LmTransport}): {@code POST {apiBase}/chat/completions} over
 * Reactor Netty, exactly one attempt per subscription. Retries, the rate limiter, the cache and the
 * bookkeeping are the links of the LM's {@code LmChain} around it; the chain resubscribes for a
 * retry, and the request it passes is the same effective request each time, so every retry sends
 * the same body and headers. A streamed attempt's response headers go to the chain ({@link
 * LmTransport#reportStreamHeaders}) for its rate limiter. Immutable and thread-safe.
 */
public final class ChatCompletionsClient implements LmTransport {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final ChunkParser CHUNK_PARSER = new ChunkParser();
  private static final int MAX_ERROR_BODY_BYTES = 64 * 1024;

  /** How long the rest of a streamed body may take to end after {@code [DONE]}. */
  private static final Duration DONE_GRACE = Duration.ofSeconds(1);

  private final LmSettings settings;

  /** The client for non-streamed calls, its own headers set once ({@code Accept} JSON). */
  private final HttpClient completeHttp;

  /** The client for streamed calls, its own headers set once ({@code Accept} event stream). */
  private final HttpClient streamHttp;

  private final LmErrors errors;
  private final Clock clock = Clock.systemUTC();

  /**
   * The URL as a {@link URI}: Reactor Netty parses a String URL itself and takes a one-digit port
   * ({@code http://127.0.0.1:1}) for part of a host name to resolve; a URI is taken as it is.
   */
  private final URI completionsUri;

  /**
   * The client for {@code settings}: its HttpClient (or the shared pool) with the LM's timeouts
   * applied.
   */
  public ChatCompletionsClient(LmSettings settings) {
    this.settings = settings;
    HttpClient base =
        settings.httpClient() != null
            ? settings.httpClient()
            : HttpClient.create(DefaultConnectionPool.get());
    HttpClient http =
        ReadCounter.installedOn(
            base.option(
                    ChannelOption.CONNECT_TIMEOUT_MILLIS,
                    (int) Math.min(Integer.MAX_VALUE, settings.connectTimeout().toMillis()))
                .responseTimeout(settings.firstByteTimeout()));
    this.completeHttp = http.headers(h -> transportHeaders(h, "application/json"));
    this.streamHttp = http.headers(h -> transportHeaders(h, "text/event-stream"));
    this.errors = new LmErrors(settings);
    this.completionsUri = URI.create(settings.completionsUrl());
  }

  @Override
  public String model() {
    return settings.model();
  }

  /**
   * One non-streamed attempt of {@code effective}. Emits the response or a typed {@code
   * LmException}; cancelling closes the exchange in flight.
   */
  @Override
  public Mono<LmResponse> send(LmRequest effective) {
    return Mono.defer(
        () -> {
          byte[] body = RequestBody.json(MAPPER, settings.model(), effective, false);
          return completeOnce(body, effective.headers());
        });
  }

  /**
   * One streamed attempt of {@code effective}. Honours backpressure (a buffer is read from the
   * socket only when the previous one's chunks were requested); cancelling closes the exchange.
   */
  @Override
  public Flux<LmChunk> sendStream(LmRequest effective) {
    return Flux.deferContextual(
        context -> {
          byte[] body = RequestBody.json(MAPPER, settings.model(), effective, true);
          return streamOnce(body, effective.headers(), context);
        });
  }

  private Mono<LmResponse> completeOnce(byte[] body, Headers headers) {
    return exchange(
            completeHttp,
            body,
            headers,
            (res, connection, content, status, requestId, mapError) ->
                readBody(content)
                    .map(
                        bytes ->
                            toResponse(
                                bytes, responseHeaders(res.responseHeaders()), status, requestId))
                    .onErrorMap(mapError))
        .single();
  }

  private Flux<LmChunk> streamOnce(byte[] body, Headers headers, ContextView context) {
    return exchange(
        streamHttp,
        body,
        headers,
        (res, connection, content, status, requestId, mapError) -> {
          // A stream's chunks carry no headers: the chain's rate limiter hears about the server's
          // budget here.
          LmTransport.reportStreamHeaders(context, () -> responseHeaders(res.responseHeaders()));
          String contentType = res.responseHeaders().get(HttpHeaderNames.CONTENT_TYPE, "");
          if (contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            // The server ignored "stream": true and answered with one JSON completion.
            return readBody(content)
                .flatMapIterable(
                    bytes -> toChunks(toResponse(bytes, Headers.empty(), status, requestId)))
                .onErrorMap(mapError);
          }
          var chunks =
              new ChunkStream(
                  settings.maxLineBytes(), CHUNK_PARSER, MAPPER, errors, status, requestId);
          var timers =
              StreamTimers.start(
                  connection,
                  settings.idleTimeout(),
                  min(DONE_GRACE, settings.idleTimeout()),
                  chunks::done);
          // One buffer at a time; after [DONE] a failure of the rest of the body does not spoil
          // the answer. The operator maps its failures itself: no operator more per chunk.
          return new ResponseChunks(content, chunks, timers, mapError);
        });
  }

  /**
   * Reads a 2xx response with {@code onSuccess}, or turns an error status into its typed exception.
   * The publisher it returns turns its failures into typed ones with {@code mapError}.
   */
  private interface SuccessHandler<T> {
    Publisher<T> handle(
        HttpClientResponse res,
        Connection connection,
        ByteBufFlux content,
        int status,
        @Nullable String requestId,
        UnaryOperator<Throwable> mapError);
  }

  /**
   * One HTTP exchange; every failure leaves it as an {@code LmException} with status and request
   * id.
   */
  private <T> Flux<T> exchange(
      HttpClient http, byte[] body, Headers headers, SuccessHandler<T> onSuccess) {
    return post(http, body, headers)
        .responseConnection(
            (res, connection) -> {
              ByteBufFlux content = connection.inbound().receive();
              int status = res.status().code();
              String requestId = requestId(res.responseHeaders());
              UnaryOperator<Throwable> mapError = t -> errors.fromTransport(t, status, requestId);
              Publisher<T> result;
              if (status < 200 || status > 299) {
                result = this.<T>errorResponse(res, content, requestId).onErrorMap(mapError);
              } else {
                Mono<T> unreadable = unreadableSuccess(res, content, requestId);
                result =
                    unreadable != null
                        ? unreadable.onErrorMap(mapError)
                        : onSuccess.handle(res, connection, content, status, requestId, mapError);
              }
              return result;
            })
        .onErrorMap(t -> errors.fromTransport(t, 0, null));
  }

  /**
   * The error for a 2xx response that cannot be an answer, or null: a body in a content encoding
   * that was not asked for (a compressing proxy; decoding it as text would yield garbage), or an
   * HTML page (a proxy or captive portal answering in the gateway's place). Only the first buffer
   * is read, for a sample of the page; the connection is then closed.
   */
  private <T> @Nullable Mono<T> unreadableSuccess(
      HttpClientResponse res, ByteBufFlux content, @Nullable String requestId) {
    int status = res.status().code();
    String at = (requestId == null ? "" : " [request id " + requestId + "]");
    String encoding = res.responseHeaders().get(HttpHeaderNames.CONTENT_ENCODING, "").trim();
    if (!encoding.isEmpty() && !encoding.equalsIgnoreCase("identity")) {
      return content
          .asByteArray()
          .next()
          .then(
              Mono.error(
                  () ->
                      new ServerException(
                          "POST "
                              + settings.completionsUrl()
                              + " answered HTTP "
                              + status
                              + " with Content-Encoding "
                              + encoding
                              + " although the request accepted no"
                              + " encoding, so the body cannot be read (is a proxy compressing responses?)"
                              + at
                              + ". Turn compression"
                              + " off at the proxy, or give the LM an HttpClient with .compress(true) to accept and decode it.",
                          status,
                          requestId,
                          null,
                          null,
                          null)));
    }
    String type = res.responseHeaders().get(HttpHeaderNames.CONTENT_TYPE, "");
    if (type.toLowerCase(Locale.ROOT).startsWith("text/html")) {
      return content
          .asString(StandardCharsets.UTF_8)
          .next()
          .defaultIfEmpty("")
          .flatMap(
              page -> {
                String sample = page.replaceAll("\\s+", " ").strip();
                sample =
                    errors.scrub(sample.length() > 300 ? sample.substring(0, 300) + "..." : sample);
                return Mono.error(
                    new ServerException(
                        "POST "
                            + settings.completionsUrl()
                            + " answered HTTP "
                            + status
                            + " with a text/html page instead of a chat completion or event stream, probably from a proxy or"
                            + " captive portal in between: "
                            + sample
                            + at
                            + ". Check apiBase and any proxy on the way.",
                        status,
                        requestId,
                        null,
                        sample,
                        null));
              });
    }
    return null;
  }

  private Mono<BoundedBytes> readBody(ByteBufFlux content) {
    return content.reduceWith(
        () -> BoundedBytes.failingAbove(settings.maxResponseBytes()), BoundedBytes::append);
  }

  /**
   * The request with the effective request's headers over the client's own (Content-Type, Accept,
   * User-Agent, Authorization, set once per client; a name set again replaces them, ignoring case).
   */
  private HttpClient.ResponseReceiver<?> post(HttpClient http, byte[] body, Headers headers) {
    return http.post()
        .uri(completionsUri)
        .send(
            (req, out) -> {
              headers.forEach(req::header);
              req.header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(body.length));
              return out.sendByteArray(Mono.just(body));
            });
  }

  private <T> Mono<T> errorResponse(
      HttpClientResponse res, ByteBufFlux content, @Nullable String requestId) {
    int status = res.status().code();
    Duration retryAfter =
        RetryAfter.from(name -> res.responseHeaders().get(name), clock).orElse(null);
    return content
        .reduceWith(() -> BoundedBytes.truncatingAt(MAX_ERROR_BODY_BYTES), BoundedBytes::append)
        .flatMap(
            bytes ->
                Mono.<T>error(
                    errors.fromStatus(
                        status,
                        res.status().reasonPhrase(),
                        requestId,
                        retryAfter,
                        ErrorBody.parse(MAPPER, bytes.array(), bytes.length()))));
  }

  private LmResponse toResponse(
      BoundedBytes bytes, Headers headers, int status, @Nullable String requestId) {
    CompletionParser.Result result;
    try {
      result = CompletionParser.parse(MAPPER, bytes.array(), bytes.length(), headers);
    } catch (IOException e) {
      throw new ServerException(
          "the response from "
              + settings.completionsUrl()
              + " is not a chat completion ("
              + e.getMessage()
              + ")"
              + (requestId == null ? "" : " [request id " + requestId + "]"),
          status,
          requestId,
          null,
          null,
          e);
    }
    if (result instanceof CompletionParser.ErrorInBody e) {
      throw errors.fromErrorEvent(status, requestId, e.error());
    }
    return ((CompletionParser.Completion) result).response();
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static List<LmChunk> toChunks(LmResponse response) {
    var chunks = new ArrayList<LmChunk>();
    for (int i = 0; i < response.texts().size(); i++) {
      String finish = i == 0 ? response.finishReason().orElse("stop") : "stop";
      List<ToolCall> calls = response.toolCalls(i);
      if (calls.isEmpty()) {
        chunks.add(LmChunk.of(i, response.texts().get(i), null, finish, null));
      } else {
        var deltas = new ArrayList<ToolCallDelta>(calls.size());
        for (int k = 0; k < calls.size(); k++) {
          deltas.add(ToolCallDelta.whole(k, calls.get(k)));
        }
        chunks.add(LmChunk.of(i, response.texts().get(i), null, finish, null, deltas));
      }
    }
    if (!response.usage().equals(Usage.ZERO)) {
      chunks.add(LmChunk.ofUsage(response.usage()));
    }
    return chunks;
  }

  /** The transport's own headers: set once on each client, under every request's own. */
  private void transportHeaders(HttpHeaders h, String accept) {
    h.set(HttpHeaderNames.CONTENT_TYPE, "application/json")
        .set(HttpHeaderNames.ACCEPT, accept)
        .set(HttpHeaderNames.USER_AGENT, "dspy4j");
    if (settings.apiKey() != null) {
      h.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + settings.apiKey());
    }
  }

  /**
   * The response's headers, several values of one name joined with {@code ", "}. A header that is
   * not a safe header value (a control character such as TAB, or non-ASCII bytes, which HTTP
   * tolerates in received values) is left out: dspy4j hands on only headers it could send itself.
   */
  private static Headers responseHeaders(HttpHeaders headers) {
    var out = Headers.builder();
    for (String name : headers.names()) {
      try {
        out.set(name, String.join(", ", headers.getAll(name)));
      } catch (IllegalArgumentException unsafe) {
        // left out, as documented; the message would name the header only
      }
    }
    return out.build();
  }

  /** The request id of a response: {@link Headers#requestId(Function)}, the one lookup. */
  private static @Nullable String requestId(HttpHeaders headers) {
    return Headers.requestId(headers::get).orElse(null);
  }
}
