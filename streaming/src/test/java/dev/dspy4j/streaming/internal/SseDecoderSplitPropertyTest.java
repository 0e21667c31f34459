package dev.dspy4j.streaming.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Whatever the line ends and wherever TCP splits the bytes, the decoder yields the same events. */
class SseDecoderSplitPropertyTest {

  record Wire(List<List<String>> events, List<String> lineEnds) {}

  @Property(tries = 300)
  void anySplitOfAnyStreamDecodesToTheSameEvents(
      @ForAll("streams") Wire wire,
      @ForAll @Size(max = 12) List<@IntRange(min = 0, max = 10_000) Integer> cuts) {
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
    // A final LF makes a trailing lone CR unambiguous (a CR at the very end could still get its LF).
    sb.append('\n');
    byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);

    var decoded = new ArrayList<String>();
    var decoder = new SseDecoder(1 << 16,
        (type, data, length) -> decoded.add(new String(data, 0, length, StandardCharsets.UTF_8)));
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

  @Provide
  Arbitrary<Wire> streams() {
    // Whole code points (one to four UTF-8 bytes), so that splits fall inside multi-byte characters.
    Arbitrary<String> line = Arbitraries.of("a", "b", " ", "{", "}", "\"", ":", ",", "é", "€", "😀", "\u00a0")
        .list().ofMaxSize(20).map(parts -> String.join("", parts));
    Arbitrary<List<List<String>>> events = line.list().ofMinSize(1).ofMaxSize(3).list().ofMinSize(1).ofMaxSize(6);
    Arbitrary<List<String>> ends = Arbitraries.of("\n", "\r\n", "\r").list().ofMinSize(1).ofMaxSize(5);
    return Combinators.combine(events, ends).as(Wire::new);
  }
}
