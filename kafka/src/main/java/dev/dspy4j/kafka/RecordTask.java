package dev.dspy4j.kafka;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;

/**
 * One input record the runner started, as its poll thread sees it. Touched only on that thread.
 *
 * <p>Internal to the runner (package-private; not part of the API).
 */
final class RecordTask {

  enum State {
    /** The module call is running. */
    RUNNING,
    /** The call finished; its output (or failure) record waits to be sent. */
    READY,
    /** Sent; the producer has not acknowledged it yet. */
    SENT,
    /** Acknowledged: the offset may be committed once every earlier one is. */
    DONE
  }

  final PartitionWindow window;
  final ConsumerRecord<byte[], byte[]> input;
  State state = State.RUNNING;
  @Nullable ProducerRecord<byte[], byte[]> output;
  boolean failure;
  @Nullable Disposable call;

  RecordTask(PartitionWindow window, ConsumerRecord<byte[], byte[]> input) {
    this.window = window;
    this.input = input;
  }

  long offset() {
    return input.offset();
  }
}
