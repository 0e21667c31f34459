package dev.dspy4j.core.batch;

import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of one input of a batch: {@link Success} with the output, or {@link Failure} with the
 * error. Both carry the input and its position in the input sequence (from 0), so results of an
 * unordered run can be matched to their inputs.
 *
 * @param <I> the input type
 * @param <O> the output type
 */
public sealed interface BatchResult<I, O> permits BatchResult.Success, BatchResult.Failure {

  /** The position of the input in the input sequence, from 0. */
  long index();

  /** The input this result belongs to. */
  I input();

  /** True for a {@link Success}. */
  boolean isSuccess();

  /** The output of a success; empty for a failure. */
  Optional<O> output();

  /** The error of a failure; empty for a success. */
  Optional<Throwable> failure();

  /**
   * The call for {@code input} emitted {@code value}.
   *
   * @param index the position of the input, from 0
   * @param input the input
   * @param value what the call emitted
   */
  record Success<I, O>(long index, I input, O value) implements BatchResult<I, O> {
    public Success {
      Objects.requireNonNull(input, "input must not be null");
      Objects.requireNonNull(value, "value must not be null");
    }

    @Override
    public boolean isSuccess() {
      return true;
    }

    @Override
    public Optional<O> output() {
      return Optional.of(value);
    }

    @Override
    public Optional<Throwable> failure() {
      return Optional.empty();
    }
  }

  /**
   * The call for {@code input} failed (errored, timed out or completed without a value).
   *
   * @param index the position of the input, from 0
   * @param input the input
   * @param error why it failed
   */
  record Failure<I, O>(long index, I input, Throwable error) implements BatchResult<I, O> {
    public Failure {
      Objects.requireNonNull(input, "input must not be null");
      Objects.requireNonNull(error, "error must not be null");
    }

    @Override
    public boolean isSuccess() {
      return false;
    }

    @Override
    public Optional<O> output() {
      return Optional.empty();
    }

    @Override
    public Optional<Throwable> failure() {
      return Optional.of(error);
    }

    @Override
    public String toString() {
      return "Failure[index=" + index + ", error=" + error + "]";
    }
  }
}
