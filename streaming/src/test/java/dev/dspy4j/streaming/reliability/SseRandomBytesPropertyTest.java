package dev.dspy4j.streaming.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.core.http.Headers;
import dev.dspy4j.core.lm.GenerationOptions;
import dev.dspy4j.core.lm.LmChunk;
import dev.dspy4j.core.lm.LmException;
import dev.dspy4j.streaming.internal.ChunkParser;
import dev.dspy4j.streaming.internal.ChunkStream;
import dev.dspy4j.streaming.internal.LmErrors;
import dev.dspy4j.streaming.internal.LmSettings;
import dev.dspy4j.streaming.internal.SseDecoder;
import dev.dspy4j.streaming.testing.TestLms;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;

/**
 * Random byte streams (SSE-shaped fragments mixed with arbitrary bytes: control characters, lone
 * CRs, invalid UTF-8, over-long lines), split at random points, decode to the same events as the
 * unsplit stream, or fail in both cases with the same clear error, never looping and never with an
 * unexpected exception type. Seeded by the repetition number, so a failure is reproducible.
 */
class SseRandomBytesPropertyTest {

  private static final Duration NO_LOOP = Duration.ofSeconds(10);

  private static final String[] FRAGMENTS = {
    "data:",
    "data: ",
    "event:",
    "event: error",
    "id:",
    "id: 7",
    "retry:",
    "retry: 10",
    ":",
    ": ping",
    "\n",
    "\r",
    "\r\n",
    "\n\n",
    "\r\n\r\n",
    " ",
    "[DONE]",
    "{",
    "}",
    "\"",
    ",",
    "\"choices\":[",
    "]",
    "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"},\"finish_reason\":null}]}",
    "{\"choices\":[{\"index\":1,\"delta\":{\"content\":\"x\"},\"finish_reason\":\"stop\"}]}",
    "{\"choices\":[],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2,\"total_tokens\":3}}",
    "{\"error\":{\"message\":\"boom\"}}",
    "é",
    "€",
    "😀",
    "\u0000",
    "\uFEFF",
    "\ufffd",
    "dat",
    "a",
  };

  /** One dispatched event, its data as hex so that invalid UTF-8 compares exactly. */
  record Event(@Nullable String type, String dataHex) {}

  record Outcome(List<Event> events, @Nullable String failure) {}

  private static byte[] randomStream(Random random) {
    var out = new java.io.ByteArrayOutputStream();
    int parts = random.nextInt(80);
    for (int i = 0; i < parts; i++) {
      int kind = random.nextInt(10);
      if (kind < 7) {
        out.writeBytes(
            FRAGMENTS[random.nextInt(FRAGMENTS.length)].getBytes(StandardCharsets.UTF_8));
      } else if (kind < 9) {
        out.write(random.nextInt(256)); // any byte, including invalid UTF-8 and controls
      } else {
        byte[] run = new byte[random.nextInt(300)]; // long lines, to meet the limit
        Arrays.fill(run, (byte) ('a' + random.nextInt(26)));
        out.writeBytes(run);
      }
    }
    return out.toByteArray();
  }

  private static Outcome decode(byte[] bytes, List<Integer> cuts, int maxLineBytes) {
    var events = new ArrayList<Event>();
    var decoder =
        new SseDecoder(
            maxLineBytes,
            (type, data, length) ->
                events.add(new Event(type, HexFormat.of().formatHex(data, 0, length))));
    int from = 0;
    try {
      for (int to : cuts) {
        decoder.decode(Unpooled.wrappedBuffer(Arrays.copyOfRange(bytes, from, to)));
        from = to;
      }
      return new Outcome(events, null);
    } catch (SseDecoder.LineTooLongException e) {
      assertThat(e.getMessage()).contains("longer than the limit of " + maxLineBytes + " bytes");
      return new Outcome(events, "too long");
    }
  }

  private static List<Integer> randomCuts(Random random, int length) {
    var points = new TreeSet<Integer>();
    for (int i = random.nextInt(20); i > 0; i--) points.add(random.nextInt(length + 1));
    points.add(length);
    return new ArrayList<>(points);
  }

  @RepeatedTest(400)
  void randomBytesSplitAnywhereDecodeAsUnsplitOrFailTheSameWay(RepetitionInfo repetition) {
    var random = new Random(repetition.getCurrentRepetition());
    byte[] bytes = randomStream(random);
    int maxLineBytes = random.nextBoolean() ? 64 : 1 << 16;
    List<Integer> cuts = randomCuts(random, bytes.length);

    assertTimeoutPreemptively(
        NO_LOOP,
        () -> {
          Outcome whole = decode(bytes, List.of(bytes.length), maxLineBytes);
          Outcome split = decode(bytes, cuts, maxLineBytes);
          Outcome byteByByte = decode(bytes, everyByte(bytes.length), maxLineBytes);
          assertThat(split).as("split at %s", cuts).isEqualTo(whole);
          assertThat(byteByByte).isEqualTo(whole);
        });
  }

  private static List<Integer> everyByte(int length) {
    var cuts = new ArrayList<Integer>();
    for (int i = 1; i <= length; i++) cuts.add(i);
    if (cuts.isEmpty()) cuts.add(0);
    return cuts;
  }

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final LmErrors ERRORS =
      new LmErrors(
          new LmSettings(
              "gpt-4o-mini",
              TestLms.API_KEY,
              "http://127.0.0.1:1/v1",
              GenerationOptions.empty(),
              Headers.empty(),
              Map.of(),
              false,
              0,
              Duration.ofSeconds(1),
              Duration.ofSeconds(1),
              Duration.ofSeconds(1),
              Duration.ofSeconds(1),
              Duration.ofSeconds(1),
              Duration.ofSeconds(1),
              1 << 16,
              1 << 20,
              null));

  /** Chunks, or the one failure that ended the stream: an LmException, or a line over the limit. */
  private static List<Object> chunks(byte[] bytes, List<Integer> cuts) {
    var stream = new ChunkStream(1 << 16, new ChunkParser(), MAPPER, ERRORS, 200, "req-1");
    var out = new ArrayList<Object>();
    int from = 0;
    for (int to : cuts) {
      ChunkStream.Batch batch =
          stream.decode(Unpooled.wrappedBuffer(Arrays.copyOfRange(bytes, from, to)));
      out.addAll(batch.chunks());
      if (batch.failure() != null) {
        RuntimeException f = batch.failure();
        assertThat(f).isInstanceOfAny(LmException.class, SseDecoder.LineTooLongException.class);
        assertThat(f.getMessage()).isNotBlank().doesNotContain(TestLms.API_KEY);
        out.add(f.getClass().getSimpleName());
        return out;
      }
      if (stream.done()) {
        out.add("[DONE]");
        return out;
      }
      from = to;
    }
    try {
      stream.end();
      out.add("end");
    } catch (LmException e) {
      out.add("cut short: " + e.getClass().getSimpleName());
    }
    return out;
  }

  @RepeatedTest(400)
  void randomEventStreamsGiveChunksOrATypedErrorTheSameWayWhereverTheyAreSplit(
      RepetitionInfo repetition) {
    var random = new Random(1_000_000 + repetition.getCurrentRepetition());
    byte[] bytes = randomStream(random);
    List<Integer> cuts = randomCuts(random, bytes.length);

    assertTimeoutPreemptively(
        NO_LOOP,
        () -> {
          List<Object> whole = chunks(bytes, List.of(bytes.length));
          assertThat(chunks(bytes, cuts)).as("split at %s", cuts).isEqualTo(whole);
          assertThat(whole)
              .allSatisfy(o -> assertThat(o).isInstanceOfAny(LmChunk.class, String.class));
        });
  }
}
