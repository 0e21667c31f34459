package dev.dspy4j.spring.webflux;

import dev.dspy4j.core.predict.StreamEvent;
import dev.dspy4j.streaming.relay.AiSdkChatRequest;
import dev.dspy4j.streaming.relay.AiSdkInputMapping;
import dev.dspy4j.streaming.relay.InvalidChatRequestException;
import dev.dspy4j.streaming.relay.RelayFormat;
import dev.dspy4j.streaming.relay.SseFrame;
import dev.dspy4j.streaming.relay.SseRelay;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
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
 * A thin adapter over {@link SseRelay#frames}: the same event names, ids, JSON payloads and
 * heartbeat comments as the relay writes on a Reactor Netty response (a different relay, e.g.
 * another SSE format, plugs in through {@link #from(SseRelay, Publisher)}). The browser going away
 * cancels the subscription, which cancels the module's stream and closes the LM's HTTP request.
 *
 * <p>Errors: a failure before anything was sent (a missing input, an LM call refused with 429 or
 * failing to connect) is passed on as an error, so that no response has been committed yet and the
 * application's exception handling answers with an HTTP status (the starter maps dspy4j's
 * exceptions, see {@link Dspy4jErrorResponses}). Once something was sent (an event, or the relay's
 * heartbeat comment while the LM is silent, which keeps proxies from closing the connection) a
 * failure becomes the relay's final {@code error} event, without credentials or internal URLs.
 */
public final class SseEvents {

  /**
   * The relay used by {@link #from(Publisher)}: heartbeats every 15 s, tokens coalesced every 50
   * ms.
   */
  public static final SseRelay DEFAULT_RELAY =
      SseRelay.create().withCoalescing(Duration.ofMillis(50), 512);

  /**
   * A relay speaking the Vercel AI SDK's UI message stream ({@code useChat}'s default transport):
   * {@code reasoning} as reasoning parts, {@code answer} as text parts; tokens coalesced every 50
   * ms. Answer with {@link #response(SseRelay, Publisher)} so the protocol header is sent.
   */
  public static final SseRelay AI_SDK_RELAY =
      SseRelay.create().withFormat(RelayFormat.aiSdk()).withCoalescing(Duration.ofMillis(50), 512);

  /**
   * A relay speaking Python DSPy's {@code streaming_response} format, for frontends written against
   * a Python DSPy server.
   */
  public static final SseRelay DSPY_RELAY =
      SseRelay.create()
          .withFormat(RelayFormat.dspyStreamingResponse())
          .withCoalescing(Duration.ofMillis(50), 512);

  private SseEvents() {}

  /**
   * The events through {@code relay} as a whole response, with the headers the relay's format needs
   * (the AI SDK's {@code x-vercel-ai-ui-message-stream: v1}). For an AI SDK frontend:
   *
   * <pre>{@code
   * @PostMapping("/api/chat")
   * ResponseEntity<Flux<ServerSentEvent<String>>> chat(@RequestBody String body) {
   *   Map<String, Object> inputs = SseEvents.aiSdkInputs(body, AiSdkInputMapping.lastUserMessageAs("question"));
   *   return SseEvents.response(SseEvents.AI_SDK_RELAY, qa.stream(inputs));
   * }
   * }</pre>
   */
  public static ResponseEntity<Flux<ServerSentEvent<String>>> response(
      SseRelay relay, Publisher<? extends StreamEvent> events) {
    ResponseEntity.BodyBuilder b =
        ResponseEntity.ok()
            .contentType(MediaType.TEXT_EVENT_STREAM)
            .header("Cache-Control", "no-cache")
            .header("X-Accel-Buffering", "no");
    relay.format().headers().forEach(b::header);
    return b.body(from(relay, events));
  }

  /**
   * The module inputs of a request body the AI SDK's default chat transport sent ({@code {id,
   * messages, trigger}}), through {@code mapping}.
   *
   * @throws InvalidChatRequestException when the body is not such a request or lacks what the
   *     mapping needs (the starter answers 400)
   */
  public static Map<String, Object> aiSdkInputs(String body, AiSdkInputMapping mapping) {
    Objects.requireNonNull(mapping, "mapping");
    return mapping.inputs(AiSdkChatRequest.parse(Objects.requireNonNull(body, "body")));
  }

  /** The events through {@link #DEFAULT_RELAY}. */
  public static Flux<ServerSentEvent<String>> from(Publisher<? extends StreamEvent> events) {
    return from(DEFAULT_RELAY, events);
  }

  /** The events through {@code relay}. */
  public static Flux<ServerSentEvent<String>> from(
      SseRelay relay, Publisher<? extends StreamEvent> events) {
    Objects.requireNonNull(relay, "relay");
    Objects.requireNonNull(events, "events");
    return Flux.defer(
            () -> {
              var failure = new AtomicReference<@Nullable Throwable>();
              var sawEvent = new AtomicBoolean();
              Flux<StreamEvent> watched =
                  Flux.<StreamEvent>from(events)
                      .doOnNext(e -> sawEvent.set(true))
                      .doOnError(failure::set);
              return relay
                  .frames(watched)
                  // The first frame is an error frame only if the events failed before any event:
                  // then the
                  // original error goes on instead, while the HTTP status can still say what
                  // happened.
                  .switchOnFirst(
                      (first, frames) -> {
                        Throwable error = failure.get();
                        return first.hasValue()
                                && !Objects.requireNonNull(first.get()).isComment()
                                && error != null
                                && !sawEvent.get()
                            ? Flux.<SseFrame>error(error)
                            : frames;
                      });
            })
        .map(SseEvents::toServerSentEvent);
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
