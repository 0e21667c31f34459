package dev.dspy4j.streaming.internal;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Incremental decoder of a {@code text/event-stream} body, fed one Netty buffer at a time,
 * following the WHATWG "event stream interpretation" rules: {@code \n}, {@code \r\n} and {@code \r}
 * line ends (also when a {@code \r} ends one buffer and its {@code \n} starts the next), {@code :}
 * comments, {@code data}/{@code event}/{@code id}/{@code retry} fields, multi-line data, a leading
 * BOM.
 *
 * <p>It works on bytes, so a UTF-8 character split across buffers needs no special handling: text
 * is only decoded when a complete event's data reaches the {@link Listener}. A heap buffer is
 * scanned in place; a direct buffer is first copied to a reusable array in windows of at most 8 KiB
 * (one bulk copy is far cheaper than reading it byte by byte through its checks). A line split
 * across buffers is assembled in another reusable array. Both a line and an event's data are
 * bounded by {@code maxLineBytes}.
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

  /** The most bytes of a direct buffer copied to the heap at once. */
  private static final int WINDOW = 8 * 1024;

  private final int maxLineBytes;
  private final Listener listener;

  // Sized for one token's event and grown on demand: a stream allocates these once.
  private byte[] window = new byte[256];
  private byte[] pendingLine = new byte[0]; // only a line split across buffers needs it
  private int pendingLength;
  private boolean skipLineFeed;
  private boolean atStreamStart = true;

  private byte[] data = new byte[256];
  private int dataLength;
  private boolean hasData;
  private @Nullable String eventType;
  private @Nullable String lastEventId;
  private long retryMillis = -1;

  /**
   * A decoder that hands complete events to {@code listener} and bounds lines and events by {@code
   * maxLineBytes}.
   */
  public SseDecoder(int maxLineBytes, Listener listener) {
    if (maxLineBytes < 16) {
      throw new IllegalArgumentException("maxLineBytes must be at least 16, was " + maxLineBytes);
    }
    this.maxLineBytes = maxLineBytes;
    this.listener = listener;
  }

  /**
   * Decodes the readable bytes of {@code buf} (without changing its indexes), dispatching events.
   */
  public void decode(ByteBuf buf) {
    int index = buf.readerIndex();
    int end = buf.writerIndex();
    if (buf.hasArray()) {
      decode(buf.array(), buf.arrayOffset() + index, end - index);
      return;
    }
    // Scanning a byte[] is several times cheaper than reading a (sliced, direct) ByteBuf byte by
    // byte
    // with its bounds and reference-count checks: copy it over in windows of at most WINDOW bytes.
    while (index < end) {
      int length = Math.min(WINDOW, end - index);
      if (window.length < length) {
        window = new byte[Math.max(length, Math.min(WINDOW, window.length * 2))];
      }
      buf.getBytes(index, window, 0, length);
      decode(window, 0, length);
      index += length;
    }
  }

  /** Decodes {@code bytes[offset, offset + length)}, dispatching events. */
  public void decode(byte[] bytes, int offset, int length) {
    int index = offset;
    int end = offset + length;
    if (skipLineFeed && index < end) {
      // The previous buffer ended with \r; a \n here belongs to that same line end.
      if (bytes[index] == '\n') {
        index++;
      }
      skipLineFeed = false;
    }
    while (index < end) {
      int eol = ByteScan.lineEnd(bytes, index, end);
      if (eol < 0) {
        appendPending(bytes, index, end - index);
        return;
      }
      if (pendingLength == 0) {
        processLine(bytes, index, eol - index);
      } else {
        appendPending(bytes, index, eol - index);
        processLine(pendingLine, 0, pendingLength);
        pendingLength = 0;
      }
      if (bytes[eol] == '\r') {
        if (eol + 1 < end) {
          index = bytes[eol + 1] == '\n' ? eol + 2 : eol + 1;
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

  private void appendPending(byte[] bytes, int index, int length) {
    int needed = pendingLength + length;
    if (needed > maxLineBytes) {
      throw new LineTooLongException(
          "the server sent an SSE line longer than the limit of " + maxLineBytes + " bytes");
    }
    if (needed > pendingLine.length) {
      pendingLine =
          Arrays.copyOf(
              pendingLine,
              Math.min(maxLineBytes, Math.max(Math.max(needed, 256), pendingLine.length * 2)));
    }
    System.arraycopy(bytes, index, pendingLine, pendingLength, length);
    pendingLength = needed;
  }

  private void processLine(byte[] line, int start, int length) {
    if (length > maxLineBytes) {
      throw new LineTooLongException(
          "the server sent an SSE line longer than the limit of " + maxLineBytes + " bytes");
    }
    if (atStreamStart) {
      atStreamStart = false;
      if (length >= 3
          && line[start] == (byte) 0xEF
          && line[start + 1] == (byte) 0xBB
          && line[start + 2] == (byte) 0xBF) {
        start += 3;
        length -= 3;
      }
    }
    if (length == 0) {
      dispatch();
      return;
    }
    if (line[start] == ':') {
      return; // a comment, typically a keep-alive
    }
    int colon = indexOf(line, start, start + length, (byte) ':');
    int nameLength = colon < 0 ? length : colon - start;
    int valueStart = colon < 0 ? start + length : colon + 1;
    if (valueStart < start + length && line[valueStart] == ' ') {
      valueStart++;
    }
    int valueLength = start + length - valueStart;
    if (nameIs(line, start, nameLength, DATA)) {
      appendData(line, valueStart, valueLength);
    } else if (nameIs(line, start, nameLength, EVENT)) {
      eventType = new String(line, valueStart, valueLength, StandardCharsets.UTF_8);
    } else if (nameIs(line, start, nameLength, ID)) {
      String id = new String(line, valueStart, valueLength, StandardCharsets.UTF_8);
      if (id.indexOf('\0') < 0) {
        lastEventId = id;
      }
    } else if (nameIs(line, start, nameLength, RETRY)) {
      String value = new String(line, valueStart, valueLength, StandardCharsets.US_ASCII);
      if (!value.isEmpty()
          && value.length() < 19
          && value.chars().allMatch(c -> c >= '0' && c <= '9')) {
        retryMillis = Long.parseLong(value);
      }
    }
    // Other field names are ignored, as the SSE specification requires.
  }

  private void appendData(byte[] line, int index, int length) {
    int separator = hasData ? 1 : 0;
    int needed = dataLength + separator + length;
    if (needed > maxLineBytes) {
      throw new LineTooLongException(
          "the server sent an SSE event whose data is longer than the limit of "
              + maxLineBytes
              + " bytes");
    }
    if (needed > data.length) {
      data = Arrays.copyOf(data, Math.min(maxLineBytes, Math.max(needed, data.length * 2)));
    }
    if (hasData) {
      data[dataLength++] = '\n';
    }
    System.arraycopy(line, index, data, dataLength, length);
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

  private static int indexOf(byte[] bytes, int from, int end, byte value) {
    for (int i = from; i < end; i++) {
      if (bytes[i] == value) {
        return i;
      }
    }
    return -1;
  }

  private static boolean nameIs(byte[] line, int start, int length, byte[] name) {
    if (length != name.length) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      if (line[start + i] != name[i]) {
        return false;
      }
    }
    return true;
  }
}
