package dev.dspy4j.streaming.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;

/** Whatever the line ends and wherever TCP splits the bytes, the decoder yields the same events. */
class SseDecoderSplitPropertyTest {

  record Wire(List<List<String>> events, List<String> lineEnds) {}

  /** 300 seeded random streams and split points, reproducible from the repetition number. */
  @RepeatedTest(300)
  void anySplitOfAnyStreamDecodesToTheSameEvents(RepetitionInfo repetition) {
    var random = new Random(repetition.getCurrentRepetition());
    Wire wire = randomWire(random);
    var cuts = new ArrayList<Integer>();
    for (int i = random.nextInt(13); i > 0; i--) cuts.add(random.nextInt(10_001));
    var sb = new StringBuilder();
    var expected = new ArrayList<String>();
    var ends = new LineEnds(wire.lineEnds());
    for (List<String> lines : wire.events()) {
      sb.append(": comment").append(ends.next());
      for (String line : lines) {
        sb.append("data: ").append(line).append(ends.next());
      }
      sb.append(ends.next());
      expected.add(String.join("\n", lines));
    }
    // A final LF makes a trailing lone CR unambiguous (a CR at the very end could still get its
    // LF).
    sb.append('\n');
    byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);

    var decoded = new ArrayList<String>();
    var decoder =
        new SseDecoder(
            1 << 16,
            (type, data, length) ->
                decoded.add(new String(data, 0, length, StandardCharsets.UTF_8)));
    var points = new TreeSet<Integer>();
    cuts.forEach(c -> points.add(c % (bytes.length + 1)));
    points.add(bytes.length);
    int from = 0;
    for (int to : points) {
      decoder.decode(Unpooled.wrappedBuffer(Arrays.copyOfRange(bytes, from, to)));
      from = to;
    }

    assertThat(decoded).isEqualTo(expected);
  }

  /**
   * Cycles through the chosen line ends, except that a lone CR is never followed by an end starting
   * with LF: on the wire that pair is one CRLF line end, not two.
   */
  static final class LineEnds {
    private final List<String> ends;
    private int next;
    private boolean lastWasCr;

    LineEnds(List<String> ends) {
      this.ends = ends;
    }

    String next() {
      String end = ends.get(next++ % ends.size());
      if (lastWasCr && end.startsWith("\n")) {
        end = "\r";
      }
      lastWasCr = end.equals("\r");
      return end;
    }
  }

  private static final String[] PARTS = {
    "a", "b", " ", "{", "}", "\"", ":", ",", "é", "€", "😀", "\u00a0"
  };
  private static final String[] LINE_ENDS = {"\n", "\r\n", "\r"};

  /**
   * Whole code points (one to four UTF-8 bytes), so that splits fall inside multi-byte characters.
   */
  private static Wire randomWire(Random random) {
    var events = new ArrayList<List<String>>();
    for (int e = 1 + random.nextInt(6); e > 0; e--) {
      var lines = new ArrayList<String>();
      for (int l = 1 + random.nextInt(3); l > 0; l--) {
        var line = new StringBuilder();
        for (int p = random.nextInt(21); p > 0; p--)
          line.append(PARTS[random.nextInt(PARTS.length)]);
        lines.add(line.toString());
      }
      events.add(lines);
    }
    var ends = new ArrayList<String>();
    for (int i = 1 + random.nextInt(5); i > 0; i--)
      ends.add(LINE_ENDS[random.nextInt(LINE_ENDS.length)]);
    return new Wire(events, ends);
  }
}
