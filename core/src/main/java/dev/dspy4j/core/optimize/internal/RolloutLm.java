package dev.dspy4j.core.optimize.internal;

import dev.dspy4j.core.lm.LanguageModel;
import dev.dspy4j.core.lm.LmChunk;
import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.core.lm.LmResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * DSPy's {@code lm.copy(rollout_id=r, temperature=1.0)}: the same LM, every request with this rollout
 * id (part of the cache key, never sent) and temperature 1.0, so a retried round is not answered from
 * the cache with the same text.
 */
public record RolloutLm(LanguageModel lm, String rolloutId) implements LanguageModel {

  @Override
  public String model() {
    return lm.model();
  }

  @Override
  public Mono<LmResponse> complete(LmRequest request) {
    return lm.complete(rollout(request));
  }

  @Override
  public Flux<LmChunk> stream(LmRequest request) {
    return lm.stream(rollout(request));
  }

  private LmRequest rollout(LmRequest request) {
    return request.toBuilder().rolloutId(rolloutId).temperature(1.0).build();
  }
}
