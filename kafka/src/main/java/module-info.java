/**
 * Runs a dspy4j program over Kafka topics: {@link dev.dspy4j.kafka.KafkaRunner}.
 *
 * <p>Only {@code dev.dspy4j.kafka} is exported; {@code dev.dspy4j.kafka.internal} is implementation
 * (listed in {@code docs/api/dev.dspy4j.kafka.txt}, checked by {@code ModuleApiTest}).
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module dev.dspy4j.kafka {
  requires transitive dev.dspy4j.core;
  requires transitive kafka.clients;
  requires org.slf4j;
  requires static transitive org.jspecify;

  exports dev.dspy4j.kafka;
}
