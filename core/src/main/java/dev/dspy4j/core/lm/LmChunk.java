package dev.dspy4j.core.lm;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One decoded server-sent event of a streamed chat completion.
 *
 * <p>{@link #text()} is the content delta of choice {@link #index()} (never null, {@code ""} when
 * the event carries no text, such as a role-only first chunk or the final usage chunk). {@link
 * #usage()} is present on the usage chunk that servers send last when {@code
 * stream_options.include_usage} is on; {@link #finishReason()} is present on the chunk that ends a
 * choice. With native function calling, {@link #toolCallDeltas()} holds the pieces of function
 * calls this event carries ({@link ToolCallAssembler} puts them together).
 */
public final class LmChunk {

  private final int index;
  private final String text;
  private final @Nullable String reasoning;
  private final @Nullable String finishReason;
  private final @Nullable Usage usage;
  private final boolean cacheHit;
  private final List<ToolCallDelta> toolCallDeltas;

  private LmChunk(
      int index,
      String text,
      @Nullable String reasoning,
      @Nullable String finishReason,
      @Nullable Usage usage,
      boolean cacheHit) {
    this(index, text, reasoning, finishReason, usage, cacheHit, List.of());
  }

  private LmChunk(
      int index,
      String text,
      @Nullable String reasoning,
      @Nullable String finishReason,
      @Nullable Usage usage,
      boolean cacheHit,
      List<ToolCallDelta> toolCallDeltas) {
    if (index < 0) {
      throw new IllegalArgumentException("index must not be negative");
    }
    this.index = index;
    this.text = Objects.requireNonNull(text, "text must not be null");
    this.reasoning = reasoning;
    this.finishReason = finishReason;
    this.usage = usage;
    this.cacheHit = cacheHit;
    this.toolCallDeltas = List.copyOf(toolCallDeltas);
  }

  /** A text delta of choice 0. */
  public static LmChunk ofText(String text) {
    return new LmChunk(0, text, null, null, null, false);
  }

  /**
   * A fully specified chunk; {@code reasoning}, {@code finishReason} and {@code usage} may be null.
   */
  public static LmChunk of(
      int index,
      String text,
      @Nullable String reasoning,
      @Nullable String finishReason,
      @Nullable Usage usage) {
    return new LmChunk(index, text, reasoning, finishReason, usage, false);
  }

  /** A fully specified chunk carrying function-call pieces (native function calling). */
  public static LmChunk of(
      int index,
      String text,
      @Nullable String reasoning,
      @Nullable String finishReason,
      @Nullable Usage usage,
      List<ToolCallDelta> toolCallDeltas) {
    return new LmChunk(
        index,
        text,
        reasoning,
        finishReason,
        usage,
        false,
        Objects.requireNonNull(toolCallDeltas, "toolCallDeltas"));
  }

  /** A usage-only chunk (no choices). */
  public static LmChunk ofUsage(Usage usage) {
    return new LmChunk(0, "", null, null, Objects.requireNonNull(usage, "usage"), false);
  }

  /**
   * A whole cached answer of one choice replayed as a single chunk (a cache hit on {@code
   * stream()}); {@link #cacheHit()} is true so that field streaming can emit no partial chunks, as
   * DSPy does.
   */
  public static LmChunk cacheReplay(int index, String text, @Nullable String finishReason) {
    return new LmChunk(index, text, null, finishReason, null, true);
  }

  /**
   * Like {@link #cacheReplay(int, String, String)}, with the answer's complete function calls as
   * whole pieces.
   */
  public static LmChunk cacheReplay(
      int index, String text, @Nullable String finishReason, List<ToolCall> toolCalls) {
    var deltas = new ArrayList<ToolCallDelta>(toolCalls.size());
    for (int i = 0; i < toolCalls.size(); i++) {
      deltas.add(ToolCallDelta.whole(i, toolCalls.get(i)));
    }
    return new LmChunk(index, text, null, finishReason, null, true, deltas);
  }

  /** This chunk with {@code usage} added (everything else kept). */
  public LmChunk withUsage(@Nullable Usage usage) {
    return new LmChunk(index, text, reasoning, finishReason, usage, cacheHit, toolCallDeltas);
  }

  /** The pieces of function calls this event carries; empty for plain text (the usual case). */
  public List<ToolCallDelta> toolCallDeltas() {
    return toolCallDeltas;
  }

  /** True when this chunk replays a cached answer rather than streaming from the server. */
  public boolean cacheHit() {
    return cacheHit;
  }

  /** The choice this chunk belongs to (0 unless {@code n > 1}). */
  public int index() {
    return index;
  }

  /** The content delta; {@code ""} when the chunk has no text. */
  public String text() {
    return text;
  }

  /** A non-standard {@code delta.reasoning} some providers add, if present. */
  public Optional<String> reasoning() {
    return Optional.ofNullable(reasoning);
  }

  /**
   * The wire finish reason ({@code "stop"}, {@code "length"}, ...) on the chunk that ends a choice.
   */
  public Optional<String> finishReason() {
    return Optional.ofNullable(finishReason);
  }

  /** Token usage, present on the usage chunk. */
  public Optional<Usage> usage() {
    return Optional.ofNullable(usage);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LmChunk c
        && index == c.index
        && text.equals(c.text)
        && Objects.equals(reasoning, c.reasoning)
        && Objects.equals(finishReason, c.finishReason)
        && Objects.equals(usage, c.usage)
        && cacheHit == c.cacheHit
        && toolCallDeltas.equals(c.toolCallDeltas);
  }

  @Override
  public int hashCode() {
    return Objects.hash(index, text, reasoning, finishReason, usage, cacheHit, toolCallDeltas);
  }

  @Override
  public String toString() {
    var sb = new StringBuilder("LmChunk[index=").append(index).append(", text=\"").append(text);
    sb.append('"');
    if (reasoning != null) sb.append(", reasoning=\"").append(reasoning).append('"');
    if (finishReason != null) sb.append(", finishReason=").append(finishReason);
    if (usage != null) sb.append(", usage=").append(usage);
    if (cacheHit) sb.append(", cacheHit");
    if (!toolCallDeltas.isEmpty()) sb.append(", toolCallDeltas=").append(toolCallDeltas);
    return sb.append(']').toString();
  }
}
