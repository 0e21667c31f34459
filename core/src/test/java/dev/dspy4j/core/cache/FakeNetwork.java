package dev.dspy4j.core.cache;

import dev.dspy4j.core.lm.LmChunk;
import dev.dspy4j.core.lm.LmResponse;
import dev.dspy4j.core.lm.Usage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/** A stand-in for the LM's network call that counts how often it is subscribed and cancelled. */
final class FakeNetwork {

  final AtomicInteger calls = new AtomicInteger();
  final AtomicInteger cancels = new AtomicInteger();

  /** A network answer with usage and headers, as a real one has. */
  static LmResponse answer(String... texts) {
    return LmResponse.builder(List.of(texts))
        .usage(new Usage(10, 5, 15))
        .headers(Map.of("Helicone-Id", "req-1", "Helicone-Cache", "MISS"))
        .finishReason("stop")
        .model("gpt-4o-mini")
        .build();
  }

  Supplier<Mono<LmResponse>> replying(LmResponse response, Duration delay) {
    return () ->
        Mono.delay(delay)
            .thenReturn(response)
            .doOnSubscribe(s -> calls.incrementAndGet())
            .doOnCancel(cancels::incrementAndGet);
  }

  Supplier<Mono<LmResponse>> replying(LmResponse response) {
    return replying(response, Duration.ZERO);
  }

  /** A network call that answers when the test says so, through {@code server}. */
  Supplier<Mono<LmResponse>> answeringFrom(Sinks.One<LmResponse> server) {
    return () ->
        server
            .asMono()
            .doOnSubscribe(s -> calls.incrementAndGet())
            .doOnCancel(cancels::incrementAndGet);
  }

  Supplier<Mono<LmResponse>> failing(RuntimeException error, Duration delay) {
    return () ->
        Mono.delay(delay)
            .then(Mono.<LmResponse>error(error))
            .doOnSubscribe(s -> calls.incrementAndGet())
            .doOnCancel(cancels::incrementAndGet);
  }

  Supplier<Flux<LmChunk>> streaming(Flux<LmChunk> chunks) {
    return () ->
        chunks.doOnSubscribe(s -> calls.incrementAndGet()).doOnCancel(cancels::incrementAndGet);
  }
}
