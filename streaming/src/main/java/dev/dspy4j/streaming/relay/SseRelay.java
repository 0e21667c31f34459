package dev.dspy4j.streaming.relay;

import dev.dspy4j.core.predict.StreamEvent;
import dev.dspy4j.core.predict.StreamEvent.Done;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.server.HttpServerResponse;

/**
 * Relays a module's {@code stream(...)} to a browser as server-sent events ({@code
 * text/event-stream}). Each {@link StreamEvent} becomes one event with JSON data:
 *
 * <ul>
 *   <li>{@code event: field}, data {@code {"field":"answer","text":"...","last":false}}, plus
 *       {@code "path":"/answer"} when the chunk comes from a sub-module with a session path, and
 *       {@code "choice":2} when it belongs to a choice other than 0 (a module asking for {@code n}
 *       choices)
 *   <li>{@code event: status}, data {@code {"message":"..."}}
 *   <li>{@code event: done}, data: the prediction's fields as a JSON object
 *   <li>{@code event: error}, data {@code {"type":"...","message":"..."}} when the stream fails (or
 *       ends without {@code Done}); credentials, URLs and network addresses (such as the internal
 *       gateway's) are removed from the message
 * </ul>
 *
 * Events carry increasing ids ({@code 1}, {@code 2}, ...). That is the default {@link
 * RelayFormat#dspy4j()} format; {@link #withFormat} switches to the Vercel AI SDK's UI message
 * stream ({@link RelayFormat#aiSdk()}) or Python DSPy's {@code streaming_response} ({@link
 * RelayFormat#dspyStreamingResponse()}). While the stream is idle a {@code : keep-alive} comment
 * goes out every {@link #DEFAULT_HEARTBEAT} (configurable) so that proxies keep the connection
 * open. Optionally, consecutive chunks of one field are coalesced into fewer, larger frames. A
 * relay is an immutable value: the {@code with...} methods return a new one.
 *
 * <p>Cancelling the returned publisher (a browser closing the page, or {@code EventSource.close()})
 * cancels the upstream stream, which closes the LM's HTTP request.
 */
public final class SseRelay {

  /** The idle time after which a heartbeat comment is sent, unless configured otherwise. */
  public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(15);

  /** The content type of the relay's HTTP response. */
  public static final String CONTENT_TYPE = "text/event-stream;charset=UTF-8";

  private final @Nullable Duration heartbeat;
  private final @Nullable Duration flushEvery;
  private final int maxChars;
  private final RelayFormat format;

  private SseRelay(
      @Nullable Duration heartbeat,
      @Nullable Duration flushEvery,
      int maxChars,
      RelayFormat format) {
    this.heartbeat = heartbeat;
    this.flushEvery = flushEvery;
    this.maxChars = maxChars;
    this.format = format;
  }

  /** A relay with heartbeats every {@link #DEFAULT_HEARTBEAT} of idleness and no coalescing. */
  public static SseRelay create() {
    return new SseRelay(DEFAULT_HEARTBEAT, null, 0, RelayFormat.dspy4j());
  }

  /** This relay, sending {@code : keep-alive} after every {@code idle} without an event. */
  public SseRelay withHeartbeat(Duration idle) {
    requirePositive(idle, "heartbeat interval");
    return new SseRelay(idle, flushEvery, maxChars, format);
  }

  /** This relay without heartbeat comments. */
  public SseRelay withoutHeartbeat() {
    return new SseRelay(null, flushEvery, maxChars, format);
  }

  /**
   * This relay, merging consecutive chunks of the same field: held text is sent at least every
   * {@code flushEvery} and as soon as it reaches {@code maxChars} characters. Text is never split
   * or reordered; {@code last} chunks, status, done and errors are sent at once (after the held
   * text).
   */
  public SseRelay withCoalescing(Duration flushEvery, int maxChars) {
    requirePositive(flushEvery, "coalescing flush interval");
    if (maxChars < 1) {
      throw new IllegalArgumentException(
          "coalescing maxChars must be at least 1 (got " + maxChars + ")");
    }
    return new SseRelay(heartbeat, flushEvery, maxChars, format);
  }

  /** This relay, sending every chunk as its own event. */
  public SseRelay withoutCoalescing() {
    return new SseRelay(heartbeat, null, 0, format);
  }

  /**
   * This relay, writing the events in {@code format}: {@link RelayFormat#dspy4j()} (the default),
   * {@link RelayFormat#aiSdk()} or {@link RelayFormat#dspyStreamingResponse()}. Heartbeats and
   * coalescing work the same in every format.
   */
  public SseRelay withFormat(RelayFormat format) {
    Objects.requireNonNull(format, "format");
    return new SseRelay(heartbeat, flushEvery, maxChars, format);
  }

  /** The format this relay writes; send its {@link RelayFormat#headers()} with the frames. */
  public RelayFormat format() {
    return format;
  }

  /**
   * The events as SSE frames in this relay's format, plus heartbeat comments (in the default format
   * one frame per event). Emits the format's error frames and completes when {@code events} errors
   * (or completes without a {@code Done}); completes after the format's closing frames otherwise.
   * Each subscription subscribes to {@code events} once and opens its own {@link
   * RelayFormat.Writer}; cancelling cancels {@code events}.
   */
  public Flux<SseFrame> frames(Publisher<? extends StreamEvent> events) {
    Objects.requireNonNull(events, "events");
    Flux<SseFrame> frames =
        Flux.defer(
            () -> {
              var writer = format.open();
              var sawDone = new AtomicBoolean();
              Flux<StreamEvent> source =
                  flushEvery == null
                      ? Flux.from(events)
                      : Coalescer.coalesce(events, flushEvery, maxChars);
              return Flux.fromIterable(writer.begin())
                  .concatWith(
                      source
                          .doOnNext(e -> sawDone.compareAndSet(false, e instanceof Done))
                          .concatMapIterable(writer::event)
                          .concatWith(
                              Flux.defer(
                                  () ->
                                      Flux.fromIterable(
                                          sawDone.get()
                                              ? writer.end()
                                              : writer.error(
                                                  "IncompleteStream",
                                                  "the stream ended without a final result (no Done event)")))))
                  .onErrorResume(e -> Flux.fromIterable(errorFrames(writer, e)));
            });
    return heartbeat == null ? frames : Heartbeats.whenIdle(frames, heartbeat);
  }

  /**
   * The frames of {@link #frames} in {@code text/event-stream} encoding, one complete frame per
   * element (ready for {@code NettyOutbound.sendString} or any other writer). Same signals and
   * cancellation as {@link #frames}.
   */
  public Flux<String> encoded(Publisher<? extends StreamEvent> events) {
    return frames(events).map(SseFrame::encode);
  }

  /**
   * Writes the events to a Reactor Netty response: sets {@code Content-Type: text/event-stream},
   * {@code Cache-Control: no-cache}, {@code X-Accel-Buffering: no} and the format's {@link
   * RelayFormat#headers()}, then sends each frame and flushes it at once. The returned publisher
   * completes when the stream is written; the client closing the connection cancels {@code events}.
   * Return it from an {@code HttpServer} route.
   */
  public Publisher<Void> send(
      HttpServerResponse response, Publisher<? extends StreamEvent> events) {
    Objects.requireNonNull(response, "response");
    response
        .header(HttpHeaderNames.CONTENT_TYPE, CONTENT_TYPE)
        .header(HttpHeaderNames.CACHE_CONTROL, "no-cache")
        .header("X-Accel-Buffering", "no");
    format.headers().forEach(response::header);
    return response.send(
        ByteBufFlux.fromString(encoded(events), StandardCharsets.UTF_8, response.alloc()),
        buf -> true);
  }

  private static List<SseFrame> errorFrames(RelayFormat.Writer writer, Throwable error) {
    String message =
        error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
    return writer.error(error.getClass().getSimpleName(), Redaction.redact(message));
  }

  private static void requirePositive(Duration d, String what) {
    Objects.requireNonNull(d, what);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(what + " must be positive (got " + d + ")");
    }
  }

  @Override
  public String toString() {
    return "SseRelay[heartbeat="
        + heartbeat
        + (flushEvery == null
            ? ", no coalescing"
            : ", coalescing every " + flushEvery + " or " + maxChars + " chars")
        + ", "
        + format
        + "]";
  }
}
