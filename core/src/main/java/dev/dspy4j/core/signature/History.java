package dev.dspy4j.core.signature;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Conversation history, like {@code dspy.History}: each message maps field names of the signature
 * to values (inputs of a past turn and the outputs that answered it). Give it as the value of an
 * input field of type {@link FieldType#HISTORY}; the adapter renders each message as a user message
 * (its input fields) and an assistant message (its output fields).
 *
 * @param messages past turns, oldest first
 */
public record History(List<Map<String, Object>> messages) {

  public History {
    Objects.requireNonNull(messages, "messages must not be null");
    var copy = new ArrayList<Map<String, Object>>();
    for (var m : messages) {
      Objects.requireNonNull(m, "messages must not contain null");
      copy.add(Collections.unmodifiableMap(new LinkedHashMap<>(m)));
    }
    messages = List.copyOf(copy);
  }

  /** A history of these turns. */
  @SafeVarargs
  public static History of(Map<String, ?>... turns) {
    var list = new ArrayList<Map<String, Object>>();
    for (var t : turns) list.add(new LinkedHashMap<>(t));
    return new History(list);
  }

  /** An empty history. */
  public static History empty() {
    return new History(List.of());
  }
}
