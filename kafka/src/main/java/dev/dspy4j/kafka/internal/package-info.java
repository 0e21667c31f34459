/**
 * Implementation of the Kafka runner: the poll loop, partition windows, record encoding and per-
 * record tasks. Not part of the API: anything here may change without notice.
 */
@NullMarked
package dev.dspy4j.kafka.internal;

import org.jspecify.annotations.NullMarked;
