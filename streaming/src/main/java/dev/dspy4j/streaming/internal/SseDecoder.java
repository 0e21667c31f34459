package dev.dspy4j.streaming.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.ByteProcessor;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Incremental decoder of a {@code text/event-stream} body, fed one Netty buffer at a time, following
 * the WHATWG "event stream interpretation" rules: {@code \n}, {@code \r\n} and {@code \r} line ends
 * (also when a {@code \r} ends one buffer and its {@code \n} starts the next), {@code :} comments,
 * {@code data}/{@code event}/{@code id}/{@code retry} fields, multi-line data, a leading BOM.
 *
 * <p>It works on bytes, so a UTF-8 character split across buffers needs no special handling: text is
 * only decoded when a complete event's data reaches the {@link Listener}. A line that fits in one
 * buffer is read straight from that buffer; only a line split across buffers is assembled in a
 * reusable array. Both a line and an event's data are bounded by {@code maxLineBytes}.
 *
 * <p>Not thread-safe: one decoder per response. Never retains or releases the buffers it is given.
 */
public final class SseDecoder {

  /** Receives each complete event. */
  public interface Listener {
    /**
     * One dispatched event. {@code data} holds the event's data (lines joined by {@code \n}) in
     * {@code [0, length)}; the array is reused after this call returns.
     */
    void onEvent(@Nullable String eventType, byte[] data, int length);
  }

  /** Thrown when a line or an event's data exceeds the limit. */
  public static final class LineTooLongException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    LineTooLongException(String message) {
      super(message);
    }
  }

  private static final byte[] DATA = "data".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] EVENT = "event".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] ID = "id".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] RETRY = "retry".getBytes(StandardCharsets.US_ASCII);

  private final int maxLineBytes;
  private final Listener listener;

  private byte[] pendingLine = new byte[256];
  private int pendingLength;
  private boolean skipLineFeed;
  private boolean atStreamStart = true;

  private byte[] data = new byte[1024];
  private int dataLength;
  private boolean hasData;
  private @Nullable String eventType;
  private @Nullable String lastEventId;
  private long retryMillis = -1;

  /** A decoder that hands complete events to {@code listener} and bounds lines and events by {@code maxLineBytes}. */
  public SseDecoder(int maxLineBytes, Listener listener) {
    if (maxLineBytes < 16) {
      throw new IllegalArgumentException("maxLineBytes must be at least 16, was " + maxLineBytes);
    }
    this.maxLineBytes = maxLineBytes;
    this.listener = listener;
  }

  /** Decodes the readable bytes of {@code buf} (without changing its indexes), dispatching events. */
  public void decode(ByteBuf buf) {
    int index = buf.readerIndex();
    int end = buf.writerIndex();
    if (skipLineFeed && index < end) {
      // The previous buffer ended with \r; a \n here belongs to that same line end.
      if (buf.getByte(index) == '\n') {
        index++;
      }
      skipLineFeed = false;
    }
    while (index < end) {
      int eol = buf.forEachByte(index, end - index, ByteProcessor.FIND_CRLF);
      if (eol < 0) {
        appendPending(buf, index, end - index);
        return;
      }
      if (pendingLength == 0) {
        processLine(buf, index, eol - index);
      } else {
        appendPending(buf, index, eol - index);
        processLine(Unpooled.wrappedBuffer(pendingLine, 0, pendingLength), 0, pendingLength);
        pendingLength = 0;
      }
      if (buf.getByte(eol) == '\r') {
        if (eol + 1 < end) {
          index = buf.getByte(eol + 1) == '\n' ? eol + 2 : eol + 1;
        } else {
          skipLineFeed = true;
          index = eol + 1;
        }
      } else {
        index = eol + 1;
      }
    }
  }

  /** The last {@code id:} field seen, if any. */
  public @Nullable String lastEventId() {
    return lastEventId;
  }

  /** The last valid {@code retry:} field in milliseconds, or -1. */
  public long retryMillis() {
    return retryMillis;
  }

  /** True when an incomplete line or event is waiting for more bytes. */
  public boolean hasIncompleteEvent() {
    return pendingLength > 0 || hasData;
  }

  private void appendPending(ByteBuf buf, int index, int length) {
    int needed = pendingLength + length;
    if (needed > maxLineBytes) {
      throw new LineTooLongException(
          "the server sent an SSE line longer than the limit of " + maxLineBytes + " bytes");
    }
    if (needed > pendingLine.length) {
      pendingLine = Arrays.copyOf(pendingLine, Math.min(maxLineBytes, Math.max(needed, pendingLine.length * 2)));
    }
    buf.getBytes(index, pendingLine, pendingLength, length);
    pendingLength = needed;
  }

  private void processLine(ByteBuf line, int start, int length) {
    if (length > maxLineBytes) {
      throw new LineTooLongException(
          "the server sent an SSE line longer than the limit of " + maxLineBytes + " bytes");
    }
    if (atStreamStart) {
      atStreamStart = false;
      if (length >= 3
          && line.getByte(start) == (byte) 0xEF
          && line.getByte(start + 1) == (byte) 0xBB
          && line.getByte(start + 2) == (byte) 0xBF) {
        start += 3;
        length -= 3;
      }
    }
    if (length == 0) {
      dispatch();
      return;
    }
    if (line.getByte(start) == ':') {
      return; // a comment, typically a keep-alive
    }
    int colon = line.indexOf(start, start + length, (byte) ':');
    int nameLength = colon < 0 ? length : colon - start;
    int valueStart = colon < 0 ? start + length : colon + 1;
    if (valueStart < start + length && line.getByte(valueStart) == ' ') {
      valueStart++;
    }
    int valueLength = start + length - valueStart;
    if (nameIs(line, start, nameLength, DATA)) {
      appendData(line, valueStart, valueLength);
    } else if (nameIs(line, start, nameLength, EVENT)) {
      eventType = line.toString(valueStart, valueLength, StandardCharsets.UTF_8);
    } else if (nameIs(line, start, nameLength, ID)) {
      String id = line.toString(valueStart, valueLength, StandardCharsets.UTF_8);
      if (id.indexOf('\0') < 0) {
        lastEventId = id;
      }
    } else if (nameIs(line, start, nameLength, RETRY)) {
      String value = line.toString(valueStart, valueLength, StandardCharsets.US_ASCII);
      if (!value.isEmpty() && value.length() < 19 && value.chars().allMatch(c -> c >= '0' && c <= '9')) {
        retryMillis = Long.parseLong(value);
      }
    }
    // Other field names are ignored, as the SSE specification requires.
  }

  private void appendData(ByteBuf line, int index, int length) {
    int separator = hasData ? 1 : 0;
    int needed = dataLength + separator + length;
    if (needed > maxLineBytes) {
      throw new LineTooLongException(
          "the server sent an SSE event whose data is longer than the limit of " + maxLineBytes + " bytes");
    }
    if (needed > data.length) {
      data = Arrays.copyOf(data, Math.min(maxLineBytes, Math.max(needed, data.length * 2)));
    }
    if (hasData) {
      data[dataLength++] = '\n';
    }
    line.getBytes(index, data, dataLength, length);
    dataLength += length;
    hasData = true;
  }

  private void dispatch() {
    if (hasData) {
      String type = eventType;
      int length = dataLength;
      hasData = false;
      dataLength = 0;
      eventType = null;
      listener.onEvent(type, data, length);
    } else {
      eventType = null;
    }
  }

  private static boolean nameIs(ByteBuf line, int start, int length, byte[] name) {
    if (length != name.length) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      if (line.getByte(start + i) != name[i]) {
        return false;
      }
    }
    return true;
  }
}
