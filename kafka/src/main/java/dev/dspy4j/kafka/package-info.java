/**
 * Runs a dspy4j program over Kafka topics: {@link dev.dspy4j.kafka.KafkaRunner}, its runs, progress
 * and errors.
 */
@NullMarked
package dev.dspy4j.kafka;

import org.jspecify.annotations.NullMarked;
