package dev.dspy4j.core.usage.micrometer;

import dev.dspy4j.core.lm.LanguageModel;
import dev.dspy4j.core.lm.LmChunk;
import dev.dspy4j.core.lm.LmException;
import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.core.lm.LmResponse;
import dev.dspy4j.core.lm.Usage;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.context.ContextView;

/**
 * A {@link LanguageModel} that makes one Micrometer {@link Observation} per call, named and tagged
 * after the OpenTelemetry GenAI semantic conventions. Needs {@code
 * io.micrometer:micrometer-observation} on the classpath (an optional dependency of dspy4j-core).
 *
 * <p>Name {@value #OPERATION_DURATION} (a meter handler turns it into that timer). Low-cardinality
 * keys: {@code gen_ai.operation.name} ({@code chat}), {@code gen_ai.request.model}, {@code outcome}
 * ({@code success}, {@code error}, {@code cancelled}), {@code error.type} ({@code none}, the HTTP
 * status, or the exception's class). High-cardinality keys: {@code gen_ai.usage.input_tokens},
 * {@code gen_ai.usage.output_tokens}, {@code gen_ai.response.model}, {@code dspy4j.cache_hit}. The
 * observation's parent is the caller's observation, read from the Reactor Context under {@code
 * "micrometer.observation"} (where Micrometer's context propagation puts it), and calls made
 * beneath see this observation there.
 */
// Micrometer is an optional dependency (requires static): a module using this class requires it
// itself.
@SuppressWarnings("exports")
public final class ObservedLanguageModel implements LanguageModel {

  /** The observation name, OpenTelemetry's client operation duration metric. */
  public static final String OPERATION_DURATION = "gen_ai.client.operation.duration";

  /**
   * Micrometer's {@code ObservationThreadLocalAccessor.KEY} (not referenced, to avoid needing
   * context-propagation).
   */
  static final String OBSERVATION_KEY = "micrometer.observation";

  private final LanguageModel delegate;
  private final ObservationRegistry registry;

  private ObservedLanguageModel(LanguageModel delegate, ObservationRegistry registry) {
    this.delegate = Objects.requireNonNull(delegate, "lm must not be null");
    this.registry = Objects.requireNonNull(registry, "registry must not be null");
  }

  /** {@code lm} observed in {@code registry}. */
  public static ObservedLanguageModel of(LanguageModel lm, ObservationRegistry registry) {
    return new ObservedLanguageModel(lm, registry);
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

  /**
   * Emits the delegate's response, errors and cancels as it does; the observation starts on
   * subscription and stops on the response or the error (before it is passed on) or the cancel.
   */
  @Override
  public Mono<LmResponse> complete(LmRequest request) {
    Objects.requireNonNull(request, "request must not be null");
    return Mono.deferContextual(
        ctx -> {
          Observation observation = start(ctx);
          return delegate
              .complete(request)
              .doOnNext(
                  r -> {
                    usage(observation, r.cacheHit() ? Usage.ZERO : r.usage(), r.cacheHit());
                    r.model()
                        .ifPresent(
                            m -> observation.highCardinalityKeyValue("gen_ai.response.model", m));
                  })
              .doOnError(e -> failed(observation, e))
              // Stopped before the end reaches the subscriber, so that one who waited for it (a
              // block(), a test) finds the observation recorded.
              .doOnTerminate(observation::stop)
              .doOnCancel(() -> cancelled(observation))
              .contextWrite(c -> c.put(OBSERVATION_KEY, observation));
        });
  }

  /**
   * Relays the delegate's chunks, errors and cancels as it does; the observation covers the whole
   * stream and takes its tokens from the usage chunk.
   */
  @Override
  public Flux<LmChunk> stream(LmRequest request) {
    Objects.requireNonNull(request, "request must not be null");
    return Flux.deferContextual(
        ctx -> {
          Observation observation = start(ctx);
          var cacheHit = new AtomicBoolean();
          return delegate.stream(request)
              .doOnNext(
                  chunk -> {
                    chunk.usage().ifPresent(u -> usage(observation, u, false));
                    if (chunk.cacheHit() && cacheHit.compareAndSet(false, true)) {
                      usage(observation, Usage.ZERO, true);
                    }
                  })
              .doOnError(e -> failed(observation, e))
              // Stopped before the end reaches the subscriber, so that one who waited for it (a
              // block(), a test) finds the observation recorded.
              .doOnTerminate(observation::stop)
              .doOnCancel(() -> cancelled(observation))
              .contextWrite(c -> c.put(OBSERVATION_KEY, observation));
        });
  }

  private Observation start(ContextView ctx) {
    Observation observation =
        Observation.createNotStarted(OPERATION_DURATION, registry)
            .contextualName("chat " + delegate.model())
            .lowCardinalityKeyValue("gen_ai.operation.name", "chat")
            .lowCardinalityKeyValue("gen_ai.request.model", delegate.model())
            .lowCardinalityKeyValue("outcome", "success")
            .lowCardinalityKeyValue("error.type", "none");
    ctx.<Object>getOrEmpty(OBSERVATION_KEY)
        .filter(Observation.class::isInstance)
        .map(Observation.class::cast)
        .ifPresent(observation::parentObservation);
    return observation.start();
  }

  private static void usage(Observation observation, Usage usage, boolean cacheHit) {
    observation
        .highCardinalityKeyValue(
            "gen_ai.usage.input_tokens", Integer.toString(usage.promptTokens()))
        .highCardinalityKeyValue(
            "gen_ai.usage.output_tokens", Integer.toString(usage.completionTokens()))
        .highCardinalityKeyValue("dspy4j.cache_hit", Boolean.toString(cacheHit));
  }

  private static void cancelled(Observation observation) {
    observation.lowCardinalityKeyValue("outcome", "cancelled");
    observation.stop();
  }

  private static void failed(Observation observation, Throwable error) {
    String type =
        error instanceof LmException lm && lm.statusCode() > 0
            ? Integer.toString(lm.statusCode())
            : error.getClass().getName();
    observation
        .lowCardinalityKeyValue("outcome", "error")
        .lowCardinalityKeyValue("error.type", type);
    observation.error(error);
  }

  @Override
  public String toString() {
    return "Observed[" + delegate + "]";
  }
}
