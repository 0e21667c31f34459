package dev.dspy4j.core.usage;

import dev.dspy4j.core.lm.LanguageModel;
import dev.dspy4j.core.lm.LmChunk;
import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.core.lm.LmResponse;
import dev.dspy4j.core.lm.Usage;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** A {@link LanguageModel} that appends each completed call to an {@link LmHistory}. */
final class HistoryRecordingLanguageModel implements LanguageModel {

  private final LanguageModel delegate;
  private final LmHistory history;

  HistoryRecordingLanguageModel(LanguageModel delegate, LmHistory history) {
    this.delegate = Objects.requireNonNull(delegate, "lm must not be null");
    this.history = Objects.requireNonNull(history, "history must not be null");
  }

  @Override
  public String model() {
    return delegate.model();
  }

  /** The wrapped LM's default temperature. */
  @Override
  public java.util.OptionalDouble temperature() {
    return delegate.temperature();
  }

  /** Emits the delegate's response after recording it; errors and cancels as the delegate. */
  @Override
  public Mono<LmResponse> complete(LmRequest request) {
    Objects.requireNonNull(request, "request must not be null");
    return delegate.complete(request).doOnNext(r -> history.record(model(), request, r));
  }

  /**
   * Relays the delegate's chunks; when the stream completes, records the assembled texts per choice
   * and the usage chunk. An errored or cancelled stream records nothing.
   */
  @Override
  public Flux<LmChunk> stream(LmRequest request) {
    Objects.requireNonNull(request, "request must not be null");
    if (!history.isEnabled()) {
      return delegate.stream(request);
    }
    return Flux.defer(() -> {
      var texts = new TreeMap<Integer, StringBuilder>();
      var usage = new Usage[] {Usage.ZERO};
      var cacheHit = new boolean[1];
      return delegate.stream(request)
          .doOnNext(chunk -> {
            texts.computeIfAbsent(chunk.index(), i -> new StringBuilder()).append(chunk.text());
            chunk.usage().ifPresent(u -> usage[0] = u);
            cacheHit[0] |= chunk.cacheHit();
          })
          .doOnComplete(() -> {
            List<String> outputs = new ArrayList<>();
            texts.values().forEach(sb -> outputs.add(sb.toString()));
            if (outputs.isEmpty()) {
              outputs.add("");
            }
            var response = LmResponse.builder(outputs).usage(usage[0]).cacheHit(cacheHit[0]).build();
            history.record(model(), request, response);
          });
    });
  }

  @Override
  public String toString() {
    return "HistoryRecording[" + delegate + "]";
  }
}
