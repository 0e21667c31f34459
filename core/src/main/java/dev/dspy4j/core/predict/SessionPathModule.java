package dev.dspy4j.core.predict;

import dev.dspy4j.core.predict.internal.ModulePath;
import java.util.Map;
import java.util.Objects;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** A user module running under a session path segment ({@link Module#withSessionPath}). */
final class SessionPathModule implements Module {

  private final Module module;
  private final String segment;

  SessionPathModule(Module module, String normalisedSegment) {
    this.module = Objects.requireNonNull(module, "module");
    this.segment = normalisedSegment;
  }

  @Override
  public Mono<Prediction> call(Map<String, ?> inputs) {
    return Mono.defer(() -> module.call(inputs)).contextWrite(ModulePath.child(segment));
  }

  @Override
  public Flux<StreamEvent> stream(Map<String, ?> inputs) {
    return Flux.defer(() -> module.stream(inputs)).contextWrite(ModulePath.child(segment));
  }

  @Override
  public Module withSessionPath(String segment) {
    return new SessionPathModule(module, ModulePath.segment(segment));
  }

  @Override
  public String toString() {
    return module + " at " + segment;
  }
}
