package dev.dspy4j.core.helicone;

import dev.dspy4j.core.http.Headers;
import dev.dspy4j.core.lm.LanguageModel;
import dev.dspy4j.core.lm.LmChunk;
import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.core.lm.LmResponse;
import dev.dspy4j.core.lm.ServerException;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A language model for tests that does what the real LM does with headers, without a network: at
 * request time ({@code Mono.deferContextual}) it assembles the headers from its defaults, the
 * Reactor Context and the request, records them, and answers with the first message's text. It can
 * fail its first attempts to exercise retries.
 */
final class RecordingLanguageModel implements LanguageModel {

  /** One request as it would have gone on the wire. */
  record Sent(String prompt, Map<String, String> headers, String thread) {}

  private final Map<String, String> lmHeaders;
  private final HeliconeHeaders lmHelicone;
  private final Queue<Sent> sent = new ConcurrentLinkedQueue<>();
  private final AtomicInteger failuresLeft;

  RecordingLanguageModel() {
    this(Map.of(), HeliconeHeaders.empty(), 0);
  }

  RecordingLanguageModel(Map<String, String> lmHeaders, HeliconeHeaders lmHelicone, int failFirst) {
    this.lmHeaders = lmHeaders;
    this.lmHelicone = lmHelicone;
    this.failuresLeft = new AtomicInteger(failFirst);
  }

  List<Sent> sent() {
    return List.copyOf(sent);
  }

  @Override
  public String model() {
    return "recording";
  }

  @Override
  public Mono<LmResponse> complete(LmRequest request) {
    return Mono.deferContextual(
        ctx -> {
          var headers =
              Helicone.requestHeaders(Headers.of(lmHeaders), lmHelicone, ctx, request.headers());
          String prompt = request.messages().get(0).content();
          sent.add(new Sent(prompt, headers.asMap(), Thread.currentThread().getName()));
          if (failuresLeft.getAndDecrement() > 0) {
            return Mono.error(
                new ServerException("HTTP 503, try again", 503, null, null, null, null));
          }
          return Mono.just(
              LmResponse.builder(List.of(prompt))
                  .headers(Map.of("Helicone-Id", "hid-" + prompt))
                  .build());
        });
  }

  @Override
  public Flux<LmChunk> stream(LmRequest request) {
    return complete(request).flatMapMany(r -> Flux.just(LmChunk.ofText(r.text())));
  }
}
