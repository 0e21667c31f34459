package dev.dspy4j.core.lm.internal;

import dev.dspy4j.core.lm.LanguageModel;
import dev.dspy4j.core.lm.LmChunk;
import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.core.lm.LmResponse;
import dev.dspy4j.core.lm.LmTransport;
import java.util.Objects;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** {@link LmTransport#of}: a {@link LanguageModel} used as the send step of a chain. */
public final class LanguageModelTransport implements LmTransport {

  private final LanguageModel lm;

  /** Sends through {@code lm}. */
  public LanguageModelTransport(LanguageModel lm) {
    this.lm = Objects.requireNonNull(lm, "lm must not be null");
  }

  @Override
  public String model() {
    return lm.model();
  }

  @Override
  public Mono<LmResponse> send(LmRequest effective) {
    return lm.complete(effective);
  }

  @Override
  public Flux<LmChunk> sendStream(LmRequest effective) {
    return lm.stream(effective);
  }

  @Override
  public String toString() {
    return "LmTransport.of(" + lm + ")";
  }
}
