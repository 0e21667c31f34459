package dev.dspy4j.core.predict;

import java.util.Objects;

/**
 * What a module's {@code stream(...)} emits: text of output fields as it is generated, status
 * messages, and exactly one final {@link Done} carrying the parsed {@link Prediction}.
 */
public sealed interface StreamEvent {

  /**
   * A piece of one output field's text, with adapter markers removed.
   *
   * @param field the output field name
   * @param text the new text (may be empty only on a {@code last} chunk)
   * @param last true on the final chunk of this field
   */
  record FieldChunk(String field, String text, boolean last) implements StreamEvent {
    public FieldChunk {
      Objects.requireNonNull(field, "field");
      Objects.requireNonNull(text, "text");
    }
  }

  /** A human-readable progress message (e.g. a sub-module starting). */
  record Status(String message) implements StreamEvent {
    public Status {
      Objects.requireNonNull(message, "message");
    }
  }

  /** The end of the stream: the same prediction {@code call(...)} would have returned. */
  record Done(Prediction prediction) implements StreamEvent {
    public Done {
      Objects.requireNonNull(prediction, "prediction");
    }
  }
}
