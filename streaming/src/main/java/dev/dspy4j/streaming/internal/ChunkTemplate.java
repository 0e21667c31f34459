package dev.dspy4j.streaming.internal;

import java.util.Arrays;

/**
 * The shape of the last plain text event of one stream, so that the next event of the same shape is
 * read by comparing bytes instead of parsing them. A server sends every token as the same JSON with
 * only the text between two quotes changed ({@code
 * {"id":"…","choices":[{"index":0,"delta":{"content":"<text>"},"finish_reason":null}]}}): when an
 * event's bytes before its text and after it equal the template's, the strict parse of that event
 * would take exactly the path it took for the template, so its chunk is the template's chunk with
 * the new text. {@link ChunkParser} learns a template from an event it parsed in full and reads
 * through it; the comparison is {@link Arrays#equals(byte[], int, int, byte[], int, int)}, which
 * the JVM compares many bytes at a time.
 *
 * <p>Not thread-safe: one per response, like the {@link ChunkStream} that owns it.
 */
final class ChunkTemplate {

  /** The template's bytes with its text left out: the prefix, then the suffix. */
  private byte[] bytes = new byte[256];

  /** Bytes before the text: up to and including its opening quote; 0 while nothing was learnt. */
  private int prefixLength;

  /** Bytes after the text: from its closing quote to the end of the payload. */
  private int suffixLength;

  /** The choice index of the template's chunk. */
  private int index;

  /**
   * Learns the shape of {@code data[0, length)}, whose one chunk is a plain text delta of choice
   * {@code index} read from the string body {@code data[textStart, textEnd)} ({@code textEnd} is
   * its closing quote).
   */
  void learn(byte[] data, int length, int textStart, int textEnd, int index) {
    int suffix = length - textEnd;
    if (bytes.length < textStart + suffix) {
      bytes = new byte[textStart + suffix];
    }
    System.arraycopy(data, 0, bytes, 0, textStart);
    System.arraycopy(data, textEnd, bytes, textStart, suffix);
    this.prefixLength = textStart;
    this.suffixLength = suffix;
    this.index = index;
  }

  /**
   * Where the text of {@code data[0, length)} starts if the event begins with the template's
   * prefix, or -1 (also while nothing was learnt).
   */
  int textStart(byte[] data, int length) {
    int p = prefixLength;
    if (p == 0 || length < p + suffixLength) {
      return -1;
    }
    return Arrays.equals(data, 0, p, bytes, 0, p) ? p : -1;
  }

  /** True when {@code data[textEnd, length)}, from the text's closing quote on, is the suffix. */
  boolean endsLikeTemplate(byte[] data, int length, int textEnd) {
    int p = prefixLength;
    return length - textEnd == suffixLength
        && Arrays.equals(data, textEnd, length, bytes, p, p + suffixLength);
  }

  /** The choice index of the template's chunk. */
  int index() {
    return index;
  }
}
