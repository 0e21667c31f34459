package dev.dspy4j.streaming.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.core.lm.ConnectionException;
import dev.dspy4j.core.lm.LmChunk;
import dev.dspy4j.core.lm.ServerException;
import dev.dspy4j.core.lm.ToolCallAssembler;
import dev.dspy4j.core.lm.ToolCallDelta;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The chunks of one streamed response: SSE events decoded by {@link SseDecoder}, data payloads read
 * by {@link ChunkParser}, {@code [DONE]} and error events recognised. Not thread-safe; one per
 * response; used from the event loop.
 */
public final class ChunkStream implements SseDecoder.Listener {

  private static final byte[] DONE = "[DONE]".getBytes(StandardCharsets.US_ASCII);

  private final SseDecoder decoder;
  private final ChunkParser parser;
  private final ChunkTemplate template = new ChunkTemplate();
  private final ObjectMapper mapper;
  private final LmErrors errors;
  private final int status;
  private final @Nullable String requestId;
  private final List<LmChunk> out = new ArrayList<>();
  private boolean done;
  private boolean finishReasonSeen;

  /**
   * Function-call pieces per choice, put together to check them at the end; null until one arrives.
   */
  private @Nullable TreeMap<Integer, ToolCallAssembler> toolCalls;

  /** The chunk stream of one response with this status and request id. */
  public ChunkStream(
      int maxLineBytes,
      ChunkParser parser,
      ObjectMapper mapper,
      LmErrors errors,
      int status,
      @Nullable String requestId) {
    this.decoder = new SseDecoder(maxLineBytes, this);
    this.parser = parser;
    this.mapper = mapper;
    this.errors = errors;
    this.status = status;
    this.requestId = requestId;
  }

  /**
   * The chunks one buffer completed, in order, and the failure that stopped decoding it, if any: an
   * {@code LmException} for an error event or a malformed payload, or a {@link
   * SseDecoder.LineTooLongException}. Chunks decoded before the failure are kept, so that the
   * subscriber sees them before the error.
   */
  public record Batch(List<LmChunk> chunks, @Nullable RuntimeException failure) {}

  private static final Batch EMPTY = new Batch(List.of(), null);

  /** Decodes one buffer (not retained, not released). */
  public Batch decode(ByteBuf buf) {
    if (done) {
      return EMPTY; // [DONE] is final: whatever follows is not even decoded
    }
    RuntimeException failure = null;
    try {
      decoder.decode(buf);
    } catch (RuntimeException e) {
      if (!done) {
        failure = e; // a bad line after [DONE] in the same buffer does not spoil a complete answer
      }
    }
    if (out.isEmpty() && failure == null) {
      return EMPTY;
    }
    // Mostly one chunk per buffer: an immutable copy is smaller than a fresh ArrayList each time.
    List<LmChunk> completed = out.size() == 1 ? List.of(out.get(0)) : List.copyOf(out);
    out.clear();
    return new Batch(completed, failure);
  }

  /**
   * Called when the body ended cleanly. A stream without {@code [DONE]} is complete only if a
   * finish reason arrived; otherwise it was cut short.
   *
   * @throws ConnectionException when the stream ended too early (retryable while nothing was
   *     emitted)
   */
  public void end() {
    checkToolCalls();
    if (done || finishReasonSeen) {
      return;
    }
    throw new ConnectionException(
        "the stream ended without [DONE] and without a finish reason"
            + (requestId == null ? "" : " [request id " + requestId + "]")
            + ": the answer is incomplete",
        status,
        requestId,
        null,
        null,
        null);
  }

  /** True once {@code data: [DONE]} arrived. */
  public boolean done() {
    return done;
  }

  @Override
  public void onEvent(@Nullable String eventType, byte[] data, int length) {
    if (done) {
      return; // [DONE] is final; anything after it is ignored
    }
    if (isDone(data, length)) {
      done = true;
      return;
    }
    if ("error".equals(eventType)) {
      throw errors.fromErrorEvent(status, requestId, ErrorBody.parse(mapper, data, length));
    }
    int before = out.size();
    ChunkParser.Kind kind;
    try {
      kind = parser.parse(data, length, out, template);
    } catch (IOException e) {
      String sample = new String(data, 0, Math.min(length, 200), StandardCharsets.UTF_8);
      throw new ServerException(
          "the stream from the server contained a data payload that is not a JSON "
              + "chat.completion.chunk ("
              + e.getMessage()
              + "): "
              + errors.scrub(sample)
              + (requestId == null ? "" : " [request id " + requestId + "]"),
          status,
          requestId,
          null,
          null,
          e);
    }
    if (kind == ChunkParser.Kind.ERROR) {
      throw errors.fromErrorEvent(status, requestId, ErrorBody.parse(mapper, data, length));
    }
    if (kind == ChunkParser.Kind.TEXT) {
      return; // a plain text delta: no finish reason, no function-call pieces to note
    }
    for (int i = before; i < out.size(); i++) {
      LmChunk chunk = out.get(i);
      if (chunk.finishReason().isPresent()) {
        finishReasonSeen = true;
      }
      if (!chunk.toolCallDeltas().isEmpty()) {
        if (toolCalls == null) {
          toolCalls = new TreeMap<>();
        }
        ToolCallAssembler calls =
            toolCalls.computeIfAbsent(chunk.index(), k -> new ToolCallAssembler());
        for (ToolCallDelta d : chunk.toolCallDeltas()) {
          calls.add(d);
        }
      }
    }
  }

  /**
   * Checks that the function calls the stream delivered in pieces are complete: each has a name and
   * arguments that form a JSON object.
   *
   * @throws dev.dspy4j.core.lm.MalformedToolCallException when one does not
   */
  private void checkToolCalls() {
    if (toolCalls != null) {
      toolCalls.values().forEach(ToolCallAssembler::complete);
    }
  }

  private static boolean isDone(byte[] data, int length) {
    if (length > 0 && data[0] == '{') {
      return false; // a JSON payload, as nearly every event is
    }
    int start = 0;
    int end = length;
    while (start < end && data[start] == ' ') start++;
    while (end > start && (data[end - 1] == ' ' || data[end - 1] == '\n')) end--;
    if (end - start != DONE.length) {
      return false;
    }
    for (int i = 0; i < DONE.length; i++) {
      if (data[start + i] != DONE[i]) {
        return false;
      }
    }
    return true;
  }
}
