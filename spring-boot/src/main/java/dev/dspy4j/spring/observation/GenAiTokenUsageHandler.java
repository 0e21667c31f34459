package dev.dspy4j.spring.observation;

import dev.dspy4j.core.usage.micrometer.ObservedLanguageModel;
import io.micrometer.common.KeyValue;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import java.util.Objects;

/**
 * Records OpenTelemetry's {@value #TOKEN_USAGE} histogram (unit {@code {token}}) from the
 * observations of an {@link ObservedLanguageModel}: one sample per call and token type ({@code
 * gen_ai.token.type} = {@code input} or {@code output}), tagged with {@code gen_ai.operation.name}
 * and {@code gen_ai.request.model}. Cache hits cost no tokens and are not recorded. The call's
 * duration ({@value ObservedLanguageModel#OPERATION_DURATION}) is recorded by Micrometer's own
 * meter handler from the same observation.
 */
public final class GenAiTokenUsageHandler implements ObservationHandler<Observation.Context> {

  /** The metric name from the OpenTelemetry GenAI semantic conventions. */
  public static final String TOKEN_USAGE = "gen_ai.client.token.usage";

  private static final double[] BUCKETS = {
    1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864
  };

  private final MeterRegistry registry;

  /** A handler recording into {@code registry}. */
  public GenAiTokenUsageHandler(MeterRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  @Override
  public boolean supportsContext(Observation.Context context) {
    return ObservedLanguageModel.OPERATION_DURATION.equals(context.getName());
  }

  @Override
  public void onStop(Observation.Context context) {
    KeyValue cacheHit = context.getHighCardinalityKeyValue("dspy4j.cache_hit");
    if (cacheHit != null && "true".equals(cacheHit.getValue())) {
      return;
    }
    record(context, "gen_ai.usage.input_tokens", "input");
    record(context, "gen_ai.usage.output_tokens", "output");
  }

  private void record(Observation.Context context, String key, String type) {
    KeyValue tokens = context.getHighCardinalityKeyValue(key);
    if (tokens == null) {
      return; // the provider reported no usage: nothing to record (never a made-up zero)
    }
    long count;
    try {
      count = Long.parseLong(tokens.getValue());
    } catch (NumberFormatException e) {
      return;
    }
    DistributionSummary.builder(TOKEN_USAGE)
        .description("Number of input and output tokens used per LM call")
        .baseUnit("{token}")
        .tag("gen_ai.operation.name", value(context, "gen_ai.operation.name"))
        .tag("gen_ai.request.model", value(context, "gen_ai.request.model"))
        .tag("gen_ai.token.type", type)
        .serviceLevelObjectives(BUCKETS)
        .register(registry)
        .record(count);
  }

  private static String value(Observation.Context context, String key) {
    KeyValue kv = context.getLowCardinalityKeyValue(key);
    return kv == null ? "unknown" : kv.getValue();
  }
}
