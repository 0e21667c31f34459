package dev.dspy4j.core.predict;

import dev.dspy4j.core.helicone.Helicone;
import dev.dspy4j.core.lm.LanguageModel;
import dev.dspy4j.core.lm.LmChunk;
import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.core.lm.LmResponse;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Wraps an LM and records, for every request, the Helicone headers the Reactor Context of the call
 * carries ({@code Helicone.headers(ctx)}), as a real LM would read them at request time.
 */
final class HeaderRecordingLm implements LanguageModel {

  /** One request: how it was made, its last message and the Context's Helicone headers. */
  record Seen(String kind, String lastMessage, Map<String, String> helicone) {
    String sessionPath() {
      return helicone.getOrDefault("Helicone-Session-Path", "");
    }
  }

  private final LanguageModel delegate;
  private final Queue<Seen> seen = new ConcurrentLinkedQueue<>();

  HeaderRecordingLm(LanguageModel delegate) {
    this.delegate = delegate;
  }

  List<Seen> seen() {
    return List.copyOf(seen);
  }

  List<String> sessionPaths() {
    return seen().stream().map(Seen::sessionPath).toList();
  }

  @Override
  public String model() {
    return delegate.model();
  }

  @Override
  public Mono<LmResponse> complete(LmRequest request) {
    return Mono.deferContextual(
        ctx -> {
          seen.add(new Seen("complete", last(request), Helicone.headers(ctx).asMap()));
          return delegate.complete(request);
        });
  }

  @Override
  public Flux<LmChunk> stream(LmRequest request) {
    return Flux.deferContextual(
        ctx -> {
          seen.add(new Seen("stream", last(request), Helicone.headers(ctx).asMap()));
          return delegate.stream(request);
        });
  }

  private static String last(LmRequest request) {
    return request.messages().get(request.messages().size() - 1).content();
  }
}
