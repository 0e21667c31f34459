package dev.dspy4j.streaming.relay;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.core.predict.StreamEvent;
import dev.dspy4j.core.predict.StreamEvent.Done;
import dev.dspy4j.core.predict.StreamEvent.FieldChunk;
import dev.dspy4j.core.predict.StreamEvent.Status;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.server.HttpServerResponse;

/**
 * Relays a module's {@code stream(...)} to a browser as server-sent events ({@code
 * text/event-stream}). Each {@link StreamEvent} becomes one event with JSON data:
 *
 * <ul>
 *   <li>{@code event: field}, data {@code {"field":"answer","text":"...","last":false}}, plus
 *       {@code "path":"/answer"} when the chunk comes from a sub-module with a session path
 *   <li>{@code event: status}, data {@code {"message":"..."}}
 *   <li>{@code event: done}, data: the prediction's fields as a JSON object
 *   <li>{@code event: error}, data {@code {"type":"...","message":"..."}} when the stream fails (or
 *       ends without {@code Done}); credentials, URLs and network addresses (such as the internal
 *       gateway's) are removed from the message
 * </ul>
 *
 * Events carry increasing ids ({@code 1}, {@code 2}, ...). While the stream is idle a {@code :
 * keep-alive} comment goes out every {@link #DEFAULT_HEARTBEAT} (configurable) so that proxies keep
 * the connection open. Optionally, consecutive chunks of one field are coalesced into fewer, larger
 * frames. A relay is an immutable value: the {@code with...} methods return a new one.
 *
 * <p>Cancelling the returned publisher (a browser closing the page, or {@code EventSource.close()})
 * cancels the upstream stream, which closes the LM's HTTP request.
 */
public final class SseRelay {

  /** The idle time after which a heartbeat comment is sent, unless configured otherwise. */
  public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(15);

  /** The content type of the relay's HTTP response. */
  public static final String CONTENT_TYPE = "text/event-stream;charset=UTF-8";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final @Nullable Duration heartbeat;
  private final @Nullable Duration flushEvery;
  private final int maxChars;

  private SseRelay(@Nullable Duration heartbeat, @Nullable Duration flushEvery, int maxChars) {
    this.heartbeat = heartbeat;
    this.flushEvery = flushEvery;
    this.maxChars = maxChars;
  }

  /** A relay with heartbeats every {@link #DEFAULT_HEARTBEAT} of idleness and no coalescing. */
  public static SseRelay create() {
    return new SseRelay(DEFAULT_HEARTBEAT, null, 0);
  }

  /** This relay, sending {@code : keep-alive} after every {@code idle} without an event. */
  public SseRelay withHeartbeat(Duration idle) {
    requirePositive(idle, "heartbeat interval");
    return new SseRelay(idle, flushEvery, maxChars);
  }

  /** This relay without heartbeat comments. */
  public SseRelay withoutHeartbeat() {
    return new SseRelay(null, flushEvery, maxChars);
  }

  /**
   * This relay, merging consecutive chunks of the same field: held text is sent at least every
   * {@code flushEvery} and as soon as it reaches {@code maxChars} characters. Text is never split or
   * reordered; {@code last} chunks, status, done and errors are sent at once (after the held text).
   */
  public SseRelay withCoalescing(Duration flushEvery, int maxChars) {
    requirePositive(flushEvery, "coalescing flush interval");
    if (maxChars < 1) {
      throw new IllegalArgumentException(
          "coalescing maxChars must be at least 1 (got " + maxChars + ")");
    }
    return new SseRelay(heartbeat, flushEvery, maxChars);
  }

  /** This relay, sending every chunk as its own event. */
  public SseRelay withoutCoalescing() {
    return new SseRelay(heartbeat, null, 0);
  }

  /**
   * The events as SSE frames, one per event plus heartbeat comments. Emits an {@code error} frame
   * and completes when {@code events} errors (or completes without a {@code Done}); completes after
   * the {@code done} frame otherwise. Each subscription subscribes to {@code events} once;
   * cancelling cancels {@code events}.
   */
  public Flux<SseFrame> frames(Publisher<? extends StreamEvent> events) {
    Objects.requireNonNull(events, "events");
    Flux<SseFrame> frames =
        Flux.defer(
            () -> {
              var ids = new AtomicLong();
              var sawDone = new AtomicBoolean();
              Flux<StreamEvent> source =
                  flushEvery == null
                      ? Flux.from(events)
                      : Coalescer.coalesce(events, flushEvery, maxChars);
              return source
                  .doOnNext(e -> sawDone.compareAndSet(false, e instanceof Done))
                  .map(SseRelay::toFrame)
                  .concatWith(
                      Mono.fromSupplier(
                          () ->
                              sawDone.get()
                                  ? null
                                  : errorFrame(
                                      "IncompleteStream",
                                      "the stream ended without a final result (no Done event)")))
                  .onErrorResume(e -> Mono.just(errorFrame(e)))
                  .map(frame -> frame.withId(Long.toString(ids.incrementAndGet())));
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
   * {@code Cache-Control: no-cache} and {@code X-Accel-Buffering: no}, then sends each frame and
   * flushes it at once. The returned publisher completes when the stream is written; the client
   * closing the connection cancels {@code events}. Return it from an {@code HttpServer} route.
   */
  public Publisher<Void> send(HttpServerResponse response, Publisher<? extends StreamEvent> events) {
    Objects.requireNonNull(response, "response");
    response
        .header(HttpHeaderNames.CONTENT_TYPE, CONTENT_TYPE)
        .header(HttpHeaderNames.CACHE_CONTROL, "no-cache")
        .header("X-Accel-Buffering", "no");
    return response.send(
        ByteBufFlux.fromString(encoded(events), StandardCharsets.UTF_8, response.alloc()),
        buf -> true);
  }

  private static SseFrame toFrame(StreamEvent event) {
    if (event instanceof FieldChunk c) {
      var data = new LinkedHashMap<String, Object>();
      data.put("field", c.field());
      data.put("text", c.text());
      data.put("last", c.last());
      // Only a composite module's sub-modules have a path; plain modules keep the short form.
      if (!c.path().isEmpty()) data.put("path", c.path());
      return SseFrame.event("field", json(data));
    }
    if (event instanceof Status s) {
      return SseFrame.event("status", json(Map.of("message", s.message())));
    }
    if (event instanceof Done d) {
      return SseFrame.event("done", json(d.prediction().fields()));
    }
    throw new IllegalArgumentException("unknown stream event type " + event.getClass().getName());
  }

  private static SseFrame errorFrame(Throwable error) {
    String message = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
    return errorFrame(error.getClass().getSimpleName(), message);
  }

  private static SseFrame errorFrame(String type, String message) {
    var data = new LinkedHashMap<String, Object>();
    data.put("type", type);
    data.put("message", Redaction.redact(message));
    return SseFrame.event("error", json(data));
  }

  private static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "cannot write a stream event as JSON (are all prediction field values plain data?): "
              + e.getOriginalMessage(),
          e);
    }
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
        + (flushEvery == null ? ", no coalescing" : ", coalescing every " + flushEvery + " or " + maxChars + " chars")
        + "]";
  }
}
