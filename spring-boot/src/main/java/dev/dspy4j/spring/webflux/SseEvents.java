package dev.dspy4j.spring.webflux;

import dev.dspy4j.core.predict.StreamEvent;
import dev.dspy4j.streaming.relay.SseFrame;
import dev.dspy4j.streaming.relay.SseRelay;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.springframework.http.codec.ServerSentEvent;
import reactor.core.publisher.Flux;

/**
 * A module's stream as Spring {@link ServerSentEvent}s, in one line from a WebFlux controller:
 *
 * <pre>{@code
 * @GetMapping(path = "/ask", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
 * Flux<ServerSentEvent<String>> ask(@RequestParam String question) {
 *   return SseEvents.from(qa.stream(Map.of("question", question)));
 * }
 * }</pre>
 *
 * A thin adapter over {@link SseRelay#frames}: the same event names, ids, JSON payloads and heartbeat
 * comments as the relay writes on a Reactor Netty response (a different relay, e.g. another SSE
 * format, plugs in through {@link #from(SseRelay, Publisher)}). The browser going away cancels the
 * subscription, which cancels the module's stream and closes the LM's HTTP request.
 *
 * <p>Errors: a failure before anything was sent (a missing input, an LM call refused with 429 or
 * failing to connect) is passed on as an error, so that no response has been committed yet and the
 * application's exception handling answers with an HTTP status (the starter maps dspy4j's exceptions,
 * see {@link Dspy4jErrorResponses}). Once something was sent (an event, or the relay's heartbeat
 * comment while the LM is silent, which keeps proxies from closing the connection) a failure becomes
 * the relay's final {@code error} event, without credentials or internal URLs.
 */
public final class SseEvents {

  /** The relay used by {@link #from(Publisher)}: heartbeats every 15 s, tokens coalesced every 50 ms. */
  public static final SseRelay DEFAULT_RELAY =
      SseRelay.create().withCoalescing(Duration.ofMillis(50), 512);

  private SseEvents() {}

  /** The events through {@link #DEFAULT_RELAY}. */
  public static Flux<ServerSentEvent<String>> from(Publisher<? extends StreamEvent> events) {
    return from(DEFAULT_RELAY, events);
  }

  /** The events through {@code relay}. */
  public static Flux<ServerSentEvent<String>> from(SseRelay relay, Publisher<? extends StreamEvent> events) {
    Objects.requireNonNull(relay, "relay");
    Objects.requireNonNull(events, "events");
    return Flux.defer(() -> {
      var failure = new AtomicReference<@Nullable Throwable>();
      var sawEvent = new AtomicBoolean();
      Flux<StreamEvent> watched = Flux.<StreamEvent>from(events)
          .doOnNext(e -> sawEvent.set(true))
          .doOnError(failure::set);
      return relay.frames(watched)
          // The first frame is an error frame only if the events failed before any event: then the
          // original error goes on instead, while the HTTP status can still say what happened.
          .switchOnFirst((first, frames) -> {
            Throwable error = failure.get();
            return first.hasValue() && !Objects.requireNonNull(first.get()).isComment() && error != null && !sawEvent.get()
                ? Flux.<SseFrame>error(error)
                : frames;
          });
    }).map(SseEvents::toServerSentEvent);
  }

  /** One relay frame as a Spring event: id, event, data and comment map one to one. */
  public static ServerSentEvent<String> toServerSentEvent(SseFrame frame) {
    if (frame.isComment()) {
      return ServerSentEvent.<String>builder().comment(frame.comment()).build();
    }
    ServerSentEvent.Builder<String> b = ServerSentEvent.builder(frame.data());
    if (frame.id() != null) b.id(frame.id());
    if (frame.event() != null) b.event(frame.event());
    return b.build();
  }
}
