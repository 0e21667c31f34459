package dev.dspy4j.core.lm;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One piece of a streamed function call ({@code choices[].delta.tool_calls[]}): the call's position
 * {@code index} in the message, and whatever this event carries of its id, name and arguments. The
 * id and name usually arrive on the first piece only; the arguments arrive as text fragments that,
 * concatenated per index, form the arguments JSON. {@link ToolCallAssembler} puts the pieces
 * together.
 *
 * @param index the call's position in the message (pieces with the same index belong together)
 * @param id the provider's call id, when this piece carries it
 * @param name the function name, when this piece carries it
 * @param arguments a fragment of the arguments text ({@code ""} when this piece carries none)
 */
public record ToolCallDelta(
    int index, @Nullable String id, @Nullable String name, String arguments) {

  public ToolCallDelta {
    if (index < 0) throw new IllegalArgumentException("index must not be negative, was " + index);
    Objects.requireNonNull(arguments, "arguments must not be null");
  }

  /** A whole call as a single piece (a non-streamed or cached call replayed as a stream). */
  public static ToolCallDelta whole(int index, ToolCall call) {
    return new ToolCallDelta(index, call.id(), call.name(), call.arguments());
  }
}
