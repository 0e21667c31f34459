package dev.dspy4j.spring.webflux;

import dev.dspy4j.core.lm.LanguageModel;
import dev.dspy4j.core.lm.LmChunk;
import dev.dspy4j.core.lm.LmException;
import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.core.lm.LmResponse;
import dev.dspy4j.core.predict.ChainOfThought;
import dev.dspy4j.core.predict.Prediction;
import dev.dspy4j.streaming.LM;
import dev.dspy4j.streaming.relay.AiSdkInputMapping;
import dev.dspy4j.streaming.relay.SseRelay;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.userdetails.MapReactiveUserDetailsService;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A WebFlux application as a user of the starter writes it: controllers only, no dspy4j glue (the
 * LM, the context filter and the error mapping come from the starter). HTTP Basic is optional:
 * anonymous requests pass, authenticated ones have a principal.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(QaTestApplication.QaController.class)
public class QaTestApplication {

  /** Everything open; HTTP Basic authenticates the users below when a request sends credentials. */
  @Bean
  SecurityWebFilterChain security(ServerHttpSecurity http) {
    return http.authorizeExchange(e -> e.anyExchange().permitAll())
        .httpBasic(b -> {})
        .csrf(ServerHttpSecurity.CsrfSpec::disable)
        .build();
  }

  @Bean
  MapReactiveUserDetailsService users() {
    return new MapReactiveUserDetailsService(
        User.withUsername("alice").password("{noop}wonderland").roles("USER").build(),
        User.withUsername("Jos\u00e9").password("{noop}secret").roles("USER").build());
  }

  @RestController
  static class QaController {
    private final ChainOfThought qa = ChainOfThought.of("question -> answer");

    /** Two LM calls: an answer, then an answer to a question built from the first answer. */
    @GetMapping("/two-step")
    Mono<Map<String, Object>> twoStep(@RequestParam String question) {
      return qa.call(Map.of("question", question))
          .flatMap(
              first ->
                  qa.call(Map.of("question", "Check: " + first.get("answer")))
                      .map(
                          second ->
                              Map.<String, Object>of(
                                  "first", first.get("answer"), "second", second.get("answer"))));
    }

    /** The Vercel AI SDK's chat endpoint: its request body in, its UI message stream out. */
    @PostMapping("/api/chat")
    ResponseEntity<Flux<ServerSentEvent<String>>> chat(@RequestBody String body) {
      Map<String, Object> inputs =
          SseEvents.aiSdkInputs(body, AiSdkInputMapping.lastUserMessageAs("question"));
      return SseEvents.response(SseEvents.AI_SDK_RELAY, qa.stream(inputs));
    }

    @GetMapping(path = "/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    Flux<ServerSentEvent<String>> stream(@RequestParam(required = false) String question) {
      return SseEvents.from(qa.stream(question == null ? Map.of() : Map.of("question", question)));
    }

    /** The LM cannot be reached: fails before the first event. */
    @GetMapping(path = "/stream-unreachable", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    Flux<ServerSentEvent<String>> unreachable(
        @RequestParam String question, @RequestParam int port) {
      LM down =
          LM.builder("gpt-4o-mini")
              .apiBase("http://127.0.0.1:" + port + "/v1")
              .apiKey("sk-unreachable-123456")
              .numRetries(0)
              .cache(false)
              .build();
      return SseEvents.from(qa.withLm(down).stream(Map.of("question", question)));
    }

    /**
     * The LM fails after some reasoning was streamed, with a URL and a credential in its message.
     */
    @GetMapping(path = "/stream-breaks", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    Flux<ServerSentEvent<String>> breaks(@RequestParam String question) {
      return SseEvents.from(qa.withLm(new BreakingLm()).stream(Map.of("question", question)));
    }

    /** Streams only the named field: an unknown field is a bad value that dspy4j refuses. */
    @GetMapping(path = "/stream-field", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    Flux<ServerSentEvent<String>> streamField(
        @RequestParam String question, @RequestParam String field) {
      return SseEvents.from(qa.stream(Map.of("question", question), field));
    }

    /** The application's own bug: not the client's fault. */
    @GetMapping("/app-bug")
    Mono<String> appBug() {
      return Mono.error(
          new IllegalArgumentException("internal invariant broken in the application"));
    }

    /**
     * The LM is silent for 600 ms before it answers (or fails): the relay's heartbeat goes first.
     */
    @GetMapping(path = "/stream-silent", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    Flux<ServerSentEvent<String>> silent(
        @RequestParam String question, @RequestParam boolean fail) {
      LanguageModel silentLm = new SilentLm(Duration.ofMillis(600), fail);
      return SseEvents.from(
          SseRelay.create().withHeartbeat(Duration.ofMillis(100)),
          qa.withLm(silentLm).stream(Map.of("question", question)));
    }

    @GetMapping("/call")
    Mono<Prediction> call(@RequestParam String question) {
      return qa.call(Map.of("question", question));
    }
  }

  /** Says nothing for a while, then fails or answers. */
  static final class SilentLm implements LanguageModel {
    private final Duration silence;
    private final boolean fail;

    SilentLm(Duration silence, boolean fail) {
      this.silence = silence;
      this.fail = fail;
    }

    @Override
    public String model() {
      return "silent";
    }

    @Override
    public Mono<LmResponse> complete(LmRequest request) {
      return Mono.error(new UnsupportedOperationException("stream only"));
    }

    @Override
    public Flux<LmChunk> stream(LmRequest request) {
      Flux<LmChunk> after =
          fail
              ? Flux.error(
                  new dev.dspy4j.core.lm.ServerException(
                      "the gateway answered 503", 503, null, null, null, null))
              : Flux.just(
                      "[[ ## reasoning ## ]]\nQuiet first. ",
                      "Then talking.\n\n[[ ## answer ## ]]\nDone.",
                      "\n\n[[ ## completed ## ]]")
                  .map(LmChunk::ofText);
      return Mono.delay(silence).thenMany(after);
    }
  }

  /**
   * Streams a little reasoning, then fails like a reset connection whose message names internals.
   */
  static final class BreakingLm implements LanguageModel {
    @Override
    public String model() {
      return "breaking";
    }

    @Override
    public Mono<LmResponse> complete(LmRequest request) {
      return Mono.error(new UnsupportedOperationException("stream only"));
    }

    @Override
    public Flux<LmChunk> stream(LmRequest request) {
      String text =
          "[[ ## reasoning ## ]]\nLet me think about this carefully, step by step, for a while.";
      return Flux.fromArray(text.split("(?<= )"))
          .delayElements(Duration.ofMillis(5))
          .map(LmChunk::ofText)
          .concatWith(
              Mono.error(
                  new LmException(
                      "stream reset by http://10.1.2.3:8080/v1/chat/completions (sent Authorization: Bearer sk-live-abcdef123456)")));
    }
  }
}
