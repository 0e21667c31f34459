package dev.dspy4j.streaming.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

/**
 * The word-at-a-time scans against a plain byte loop, at every alignment and for every byte value.
 */
class ByteScanTest {

  private static int naiveLineEnd(byte[] b, int from, int end) {
    for (int i = from; i < end; i++) {
      if (b[i] == '\n' || b[i] == '\r') return i;
    }
    return -1;
  }

  private static int naiveStringStop(byte[] b, int from, int end) {
    for (int i = from; i < end; i++) {
      if (b[i] == '"' || b[i] == '\\' || (b[i] >= 0 && b[i] < 0x20)) return i;
    }
    return -1;
  }

  @Test
  void everyByteValueAtEveryPositionOfAWordIsClassifiedLikeTheByteLoop() {
    for (int value = 0; value < 256; value++) {
      for (int at = 0; at < 24; at++) {
        byte[] b = new byte[24];
        java.util.Arrays.fill(b, (byte) 'a');
        b[at] = (byte) value;
        for (int from = 0; from <= at; from++) {
          for (int end = at; end <= 24; end++) {
            assertThat(ByteScan.lineEnd(b, from, end))
                .as("value %d at %d in [%d,%d)", value, at, from, end)
                .isEqualTo(naiveLineEnd(b, from, end));
            assertThat(ByteScan.stringStop(b, from, end))
                .as("value %d at %d in [%d,%d)", value, at, from, end)
                .isEqualTo(naiveStringStop(b, from, end));
          }
        }
      }
    }
  }

  /** Random bytes weighted towards the interesting ones, random ranges: the same first match. */
  @RepeatedTest(500)
  void randomArraysAndRangesGiveTheSameFirstMatch(RepetitionInfo info) {
    var random = new Random(4_242L + info.getCurrentRepetition());
    byte[] b = new byte[1 + random.nextInt(100)];
    byte[] interesting = {
      '\n',
      '\r',
      '\t',
      0x0b,
      0x0c,
      0x0e,
      '"',
      '\\',
      0,
      0x1f,
      0x20,
      0x21,
      (byte) 0x80,
      (byte) 0xff,
      (byte) 0x8a,
      (byte) 0xa2,
      'x'
    };
    for (int i = 0; i < b.length; i++) {
      b[i] =
          random.nextInt(10) == 0
              ? interesting[random.nextInt(interesting.length)]
              : (byte) (0x23 + random.nextInt(0x5c - 0x23));
    }
    int from = random.nextInt(b.length + 1);
    int end = from + random.nextInt(b.length - from + 1);
    assertThat(ByteScan.lineEnd(b, from, end)).isEqualTo(naiveLineEnd(b, from, end));
    assertThat(ByteScan.stringStop(b, from, end)).isEqualTo(naiveStringStop(b, from, end));
  }
}
