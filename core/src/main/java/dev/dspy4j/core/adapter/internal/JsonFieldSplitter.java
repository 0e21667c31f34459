package dev.dspy4j.core.adapter.internal;

import dev.dspy4j.core.adapter.FieldSplitter;
import java.util.HashSet;
import java.util.Set;

/**
 * Streams the string values of JSON-adapter output ({@code {"reasoning": "...", "answer": "..."}})
 * as field pieces, without quotes and with JSON escapes decoded; an escape split across deltas is
 * held until complete. Text before the first {@code {} (such as a code fence) is skipped. Only
 * top-level string values of the chosen fields stream, each key's first occurrence; other values
 * are skipped (the final Prediction still carries them).
 */
public final class JsonFieldSplitter implements FieldSplitter {

  private enum State {
    BEFORE,
    KEY_OR_END,
    IN_KEY,
    COLON,
    VALUE,
    IN_STRING_VALUE,
    IN_OTHER_VALUE,
    AFTER_VALUE,
    DONE
  }

  private final Set<String> outputs;
  private final Set<String> streamed;
  private final Set<String> seen = new HashSet<>();
  private final StringBuilder key = new StringBuilder();
  private final StringBuilder escape = new StringBuilder();
  private final StringBuilder out = new StringBuilder();

  /** Where the call in progress ({@link #accept} or {@link #finish}) reports its pieces. */
  private Sink sink = (f, text, last) -> {};

  private State state = State.BEFORE;
  private String field = "";
  private boolean emitting;
  private boolean inEscape;
  // nested values that are skipped
  private int depth;
  private boolean otherInString;
  private boolean otherEscape;

  /**
   * @param outputs all output field names
   * @param streamed the fields to emit chunks for
   */
  public JsonFieldSplitter(Set<String> outputs, Set<String> streamed) {
    this.outputs = Set.copyOf(outputs);
    this.streamed = Set.copyOf(streamed);
  }

  @Override
  public void accept(String delta, Sink sink) {
    this.sink = sink;
    for (int i = 0; i < delta.length(); i++) onChar(delta.charAt(i));
    if (state == State.IN_STRING_VALUE && emitting && out.length() > 0) {
      sink.field(field, out.toString(), false);
      out.setLength(0);
    }
  }

  @Override
  public void finish(Sink sink) {
    this.sink = sink;
    if (state == State.IN_STRING_VALUE && emitting) {
      sink.field(field, out.toString(), true);
      out.setLength(0);
      emitting = false;
    }
    state = State.DONE;
  }

  private void onChar(char c) {
    switch (state) {
      case BEFORE -> {
        if (c == '{') state = State.KEY_OR_END;
      }
      case KEY_OR_END -> {
        if (c == '"') {
          key.setLength(0);
          inEscape = false;
          state = State.IN_KEY;
        } else if (c == '}') {
          state = State.DONE;
        } else if (!Character.isWhitespace(c) && c != ',') {
          state = State.DONE; // not JSON we can follow; the final parse decides
        }
      }
      case IN_KEY -> {
        if (inEscape) {
          key.append(c);
          inEscape = false;
        } else if (c == '\\') {
          inEscape = true;
        } else if (c == '"') {
          state = State.COLON;
        } else {
          key.append(c);
        }
      }
      case COLON -> {
        if (c == ':') state = State.VALUE;
        else if (!Character.isWhitespace(c)) state = State.DONE;
      }
      case VALUE -> {
        if (Character.isWhitespace(c)) return;
        String name = key.toString();
        boolean first = outputs.contains(name) && seen.add(name);
        if (c == '"') {
          field = name;
          emitting = first && streamed.contains(name);
          escape.setLength(0);
          inEscape = false;
          state = State.IN_STRING_VALUE;
        } else {
          depth = 0;
          otherInString = false;
          otherEscape = false;
          state = State.IN_OTHER_VALUE;
          other(c);
        }
      }
      case IN_STRING_VALUE -> stringChar(c);
      case IN_OTHER_VALUE -> other(c);
      case AFTER_VALUE -> {
        if (c == ',') state = State.KEY_OR_END;
        else if (c == '}') state = State.DONE;
        else if (!Character.isWhitespace(c)) state = State.DONE;
      }
      case DONE -> {
        // the rest of the text is outside the object
      }
    }
  }

  private void stringChar(char c) {
    if (inEscape) {
      escape.append(c);
      if (escape.charAt(0) == 'u') {
        if (escape.length() < 5) return;
        try {
          emit((char) Integer.parseInt(escape.substring(1, 5), 16));
        } catch (NumberFormatException e) {
          emit(escape.toString());
        }
      } else {
        emit(
            switch (escape.charAt(0)) {
              case 'n' -> "\n";
              case 't' -> "\t";
              case 'r' -> "\r";
              case 'b' -> "\b";
              case 'f' -> "\f";
              default -> String.valueOf(escape.charAt(0));
            });
      }
      escape.setLength(0);
      inEscape = false;
      return;
    }
    if (c == '\\') {
      inEscape = true;
    } else if (c == '"') {
      if (emitting) {
        sink.field(field, out.toString(), true);
        out.setLength(0);
        emitting = false;
      }
      state = State.AFTER_VALUE;
    } else {
      emit(c);
    }
  }

  private void emit(char c) {
    if (emitting) out.append(c);
  }

  private void emit(String s) {
    if (emitting) out.append(s);
  }

  private void other(char c) {
    if (otherInString) {
      if (otherEscape) otherEscape = false;
      else if (c == '\\') otherEscape = true;
      else if (c == '"') otherInString = false;
      return;
    }
    switch (c) {
      case '"' -> otherInString = true;
      case '{', '[' -> depth++;
      case '}', ']' -> {
        if (depth == 0) {
          state = State.DONE;
          return;
        }
        depth--;
      }
      case ',' -> {
        if (depth == 0) state = State.KEY_OR_END;
      }
      default -> {
        // part of a scalar or nested value
      }
    }
  }
}
