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
   * @param path which module produced the chunk: {@code ""} for a module without a session path,
   *     else the path formed by {@code withSessionPath} segments from the streamed module down to
   *     the producing one, such as {@code "/answer"} or {@code "/chat/answer"}
   * @param choice which choice of the LM answer the text belongs to: 0, or up to {@code n - 1} when
   *     the module asks for {@code n} choices (each choice's fields stream, interleaved as the
   *     server sends them)
   */
  record FieldChunk(String field, String text, boolean last, String path, int choice)
      implements StreamEvent {
    public FieldChunk {
      Objects.requireNonNull(field, "field");
      Objects.requireNonNull(text, "text");
      Objects.requireNonNull(path, "path");
      if (choice < 0)
        throw new IllegalArgumentException("choice must not be negative, was " + choice);
    }

    /** A chunk of choice 0 of a module without a session path ({@code path} is {@code ""}). */
    public FieldChunk(String field, String text, boolean last) {
      this(field, text, last, "", 0);
    }

    /** A chunk of choice 0. */
    public FieldChunk(String field, String text, boolean last, String path) {
      this(field, text, last, path, 0);
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
