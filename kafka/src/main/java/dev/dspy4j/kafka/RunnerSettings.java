package dev.dspy4j.kafka;

import dev.dspy4j.core.predict.Module;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import reactor.util.context.Context;

/**
 * What a {@code KafkaRunner} was built with, validated by its builder. Internal to the runner
 * (package-private; not part of the API).
 *
 * @param consumerProperties full consumer configuration (serializers and group included)
 * @param producerProperties full producer configuration
 */
record RunnerSettings(
    Module module,
    String groupId,
    String inputTopic,
    String outputTopic,
    String failureTopic,
    int concurrency,
    int maxUncommitted,
    boolean orderedPerPartition,
    @Nullable Duration callTimeout,
    Duration drainTimeout,
    boolean requestIds,
    Function<Context, Context> context,
    Map<String, Object> consumerProperties,
    Map<String, Object> producerProperties) {}
