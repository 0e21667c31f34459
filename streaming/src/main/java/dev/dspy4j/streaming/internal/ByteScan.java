package dev.dspy4j.streaming.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Finds the next byte of interest in a {@code byte[]} eight bytes at a time ("SIMD within a
 * register", the technique behind Netty's {@code ByteBufUtil.indexOf}): a stream spends most of its
 * decoding time scanning SSE lines for their end and JSON strings for their closing quote, and
 * these loops test one 64-bit word per step instead of one byte. Stateless.
 *
 * <p>For a word {@code w}, {@code (w - 0x01..01 * n) & ~w & 0x80..80} sets the high bit of every
 * byte below {@code n} (bytes of {@code 0x80} and above never qualify); the lowest such bit is
 * always a true match (a borrow only spreads upwards), so the first match is exact even when
 * several conditions are combined with {@code |}. A byte equal to {@code v} is a zero byte of
 * {@code w ^ (0x01..01 * v)}, i.e. a byte below 1.
 */
final class ByteScan {

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;
  private static final long BELOW_0E = ONES * 0x0E;
  private static final long QUOTE = ONES * '"';
  private static final long BACKSLASH = ONES * '\\';
  private static final long SPACE = ONES * 0x20;

  private ByteScan() {}

  /** The index of the first {@code \n} or {@code \r} in {@code b[from, end)}, or -1. */
  static int lineEnd(byte[] b, int from, int end) {
    int i = from;
    // One test per word finds every byte below 0x0E, which both line ends are; the few other
    // control characters below it (a TAB in JSON whitespace) are checked and skipped.
    while (i + 8 <= end) {
      long w = (long) LONGS.get(b, i);
      long below = (w - BELOW_0E) & ~w & HIGHS;
      if (below == 0) {
        i += 8;
        continue;
      }
      int at = i + (Long.numberOfTrailingZeros(below) >>> 3);
      if (b[at] == '\n' || b[at] == '\r') {
        return at;
      }
      i = at + 1;
    }
    for (; i < end; i++) {
      if (b[i] == '\n' || b[i] == '\r') {
        return i;
      }
    }
    return -1;
  }

  /**
   * The index of the first byte in {@code b[from, end)} that a JSON string cannot simply contain:
   * {@code "}, {@code \} or a control character below {@code 0x20}; or -1.
   */
  static int stringStop(byte[] b, int from, int end) {
    int i = from;
    for (; i + 8 <= end; i += 8) {
      long w = (long) LONGS.get(b, i);
      long found = zeroBytes(w ^ QUOTE) | zeroBytes(w ^ BACKSLASH) | ((w - SPACE) & ~w & HIGHS);
      if (found != 0) {
        return i + (Long.numberOfTrailingZeros(found) >>> 3);
      }
    }
    for (; i < end; i++) {
      byte c = b[i];
      if (c == '"' || c == '\\' || (c >= 0 && c < 0x20)) {
        return i;
      }
    }
    return -1;
  }

  /** The high bit of every zero byte of {@code w} (exact for the lowest; see the class comment). */
  private static long zeroBytes(long w) {
    return (w - ONES) & ~w & HIGHS;
  }
}
