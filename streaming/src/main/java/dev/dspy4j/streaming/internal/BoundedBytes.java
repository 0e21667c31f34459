package dev.dspy4j.streaming.internal;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/**
 * A growing byte array with a hard limit, filled from Netty buffers (copied out, so the buffers can
 * be released at once). Either fails when the limit is passed, or truncates silently (for error
 * bodies, where the first bytes hold the message). Not thread-safe.
 */
public final class BoundedBytes {

  private final int limit;
  private final boolean truncate;
  private byte[] bytes = new byte[512];
  private int length;

  private BoundedBytes(int limit, boolean truncate) {
    this.limit = limit;
    this.truncate = truncate;
  }

  /** Fails with {@link TooLargeException} once more than {@code limit} bytes arrive. */
  public static BoundedBytes failingAbove(int limit) {
    return new BoundedBytes(limit, false);
  }

  /** Keeps the first {@code limit} bytes and ignores the rest. */
  public static BoundedBytes truncatingAt(int limit) {
    return new BoundedBytes(limit, true);
  }

  /** Copies the readable bytes of {@code buf}; returns this for use in {@code reduce}. */
  public BoundedBytes append(ByteBuf buf) {
    int n = buf.readableBytes();
    if (length + (long) n > limit) {
      if (!truncate) {
        throw new TooLargeException(
            "the response body is larger than the limit of " + limit + " bytes");
      }
      n = limit - length;
    }
    if (length + n > bytes.length) {
      bytes =
          Arrays.copyOf(
              bytes, (int) Math.min(limit, Math.max(length + (long) n, bytes.length * 2L)));
    }
    buf.getBytes(buf.readerIndex(), bytes, length, n);
    length += n;
    return this;
  }

  public byte[] array() {
    return bytes;
  }

  public int length() {
    return length;
  }

  /** The body passed the limit. */
  public static final class TooLargeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TooLargeException(String message) {
      super(message);
    }
  }
}
