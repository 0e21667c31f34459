package dev.dspy4j.core.lm;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Puts the {@link ToolCallDelta}s of one choice of a stream together into complete {@link
 * ToolCall}s: per call index, the first id and name seen and the concatenated argument fragments.
 * Not thread-safe (a stream's signals are serial); one per choice and stream.
 *
 * <pre>{@code
 * var calls = new ToolCallAssembler();
 * lm.stream(request).doOnNext(calls::add).then(Mono.fromCallable(calls::complete))
 * }</pre>
 */
public final class ToolCallAssembler {

  private final Map<Integer, Partial> calls = new TreeMap<>();

  private static final class Partial {
    @Nullable String id;
    @Nullable String name;
    final StringBuilder arguments = new StringBuilder();
  }

  /** Creates an assembler holding no tool call yet. */
  public ToolCallAssembler() {}

  /** Adds the tool-call pieces of {@code chunk} (whatever its choice index). */
  public void add(LmChunk chunk) {
    for (ToolCallDelta d : chunk.toolCallDeltas()) {
      add(d);
    }
  }

  /** Adds one piece. */
  public void add(ToolCallDelta delta) {
    Partial p = calls.computeIfAbsent(delta.index(), i -> new Partial());
    if (p.id == null && delta.id() != null && !delta.id().isEmpty()) p.id = delta.id();
    if ((p.name == null || p.name.isEmpty()) && delta.name() != null) p.name = delta.name();
    p.arguments.append(delta.arguments());
  }

  /** True when no piece was added. */
  public boolean isEmpty() {
    return calls.isEmpty();
  }

  /**
   * The complete calls in index order.
   *
   * @throws MalformedToolCallException when a call has no name or its arguments are not a JSON
   *     object
   */
  public List<ToolCall> complete() {
    var out = new ArrayList<ToolCall>(calls.size());
    calls.forEach(
        (index, p) -> out.add(ToolCall.checked(index, p.id, p.name, p.arguments.toString())));
    return List.copyOf(out);
  }
}
