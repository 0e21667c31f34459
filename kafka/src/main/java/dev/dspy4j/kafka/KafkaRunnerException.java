package dev.dspy4j.kafka;

/**
 * A {@link KafkaRunner} stopped because it could not go on without risking a lost input: the
 * producer could not write an output or failure record (after its own retries), or the consumer
 * failed. Offsets past the record concerned were not committed, so a restarted runner repeats it.
 */
public class KafkaRunnerException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** An exception with this message and cause. */
  public KafkaRunnerException(String message, Throwable cause) {
    super(message, cause);
  }
}
