/**
 * Runs a dspy4j program over Kafka topics: {@link dev.dspy4j.kafka.KafkaRunner}, its runs, progress
 * and errors.
 *
 * <p>The jar is the automatic module {@code dev.dspy4j.kafka} (kafka-clients has no module name to
 * require), which exports every package; so this is its only package, and the runner's
 * implementation (poll loop, partition windows, record encoding) is package-private here. The
 * public types are listed in {@code docs/api/dev.dspy4j.kafka.txt}, checked by {@code
 * ModuleApiTest}.
 */
@NullMarked
package dev.dspy4j.kafka;

import org.jspecify.annotations.NullMarked;
