package dev.dspy4j.streaming.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.core.lm.LmChunk;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Measures the CPU time and heap allocated per streamed event of {@link ChunkStream#decode}, on the
 * calling thread, for the bench server's event shape (one {@code chat.completion.chunk} per token,
 * each in its own direct buffer as Reactor Netty hands HTTP chunks over).
 *
 * <p>A measurement, not a pass/fail test: it runs only with {@code -Ddspy4j.measure=true} (or
 * through {@link #main}, which leaves out the tests' Netty leak detector) and prints its figures;
 * it asserts only that every event produced its chunk.
 */
@EnabledIfSystemProperty(named = "dspy4j.measure", matches = "true")
class ChunkStreamCpuMeasurement {

  private static final int TOKENS = 200;
  private static final int STREAMS_PER_ROUND = 2_000;
  private static final int ROUNDS = 15;

  /**
   * Runs the measurement outside JUnit and its test-only Netty leak detector (java -cp
   * test-classes:classes:dependencies ...): the detector's access records would be measured too.
   */
  public static void main(String[] args) {
    new ChunkStreamCpuMeasurement().cpuAndAllocationPerEvent();
  }

  @Test
  void cpuAndAllocationPerEvent() {
    var bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    ByteBuf[] events = events();
    var settings = TestLmSettings.of("m", null, 0, 1 << 20);
    var errors = new LmErrors(settings);
    var parser = new ChunkParser();
    var mapper = new ObjectMapper();
    for (int warm = 0; warm < 10; warm++) {
      run(events, errors, parser, mapper);
    }
    double[] ns = new double[ROUNDS];
    double[] bytes = new double[ROUNDS];
    for (int r = 0; r < ROUNDS; r++) {
      long cpu0 = bean.getCurrentThreadCpuTime();
      long alloc0 = bean.getCurrentThreadAllocatedBytes();
      long chunks = run(events, errors, parser, mapper);
      long cpu = bean.getCurrentThreadCpuTime() - cpu0;
      long alloc = bean.getCurrentThreadAllocatedBytes() - alloc0;
      assertThat(chunks).isEqualTo((long) STREAMS_PER_ROUND * TOKENS);
      ns[r] = (double) cpu / chunks;
      bytes[r] = (double) alloc / chunks;
    }
    Arrays.sort(ns);
    Arrays.sort(bytes);
    System.out.printf(
        "ChunkStream.decode per event: median %.1f ns CPU, %.1f bytes allocated (%d rounds of %d"
            + " streams x %d events)%n",
        ns[ROUNDS / 2], bytes[ROUNDS / 2], ROUNDS, STREAMS_PER_ROUND, TOKENS);
    for (ByteBuf e : events) {
      e.release();
    }
  }

  private static long run(ByteBuf[] events, LmErrors errors, ChunkParser parser, ObjectMapper m) {
    long chunks = 0;
    for (int s = 0; s < STREAMS_PER_ROUND; s++) {
      var stream = new ChunkStream(1 << 20, parser, m, errors, 200, null);
      for (ByteBuf e : events) {
        for (LmChunk c : stream.decode(e).chunks()) {
          if (!c.text().isEmpty()) {
            chunks++;
          }
        }
      }
    }
    return chunks;
  }

  /**
   * The bench server's events: a role chunk, then one text chunk per token, each its own buffer.
   */
  private static ByteBuf[] events() {
    ByteBuf[] out = new ByteBuf[TOKENS + 1];
    String head =
        "{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1764000000,"
            + "\"model\":\"bench-model\",\"choices\":[{\"index\":0,\"delta\":{";
    out[0] =
        direct(
            "data: "
                + head
                + "\"role\":\"assistant\",\"content\":\"\"},\"logprobs\":null,"
                + "\"finish_reason\":null}]}\n\n");
    for (int i = 0; i < TOKENS; i++) {
      String text =
          " " + (char) ('a' + i % 26) + (char) ('a' + (i + 1) % 26) + (char) ('a' + (i + 2) % 26);
      out[i + 1] =
          direct(
              "data: "
                  + head
                  + "\"content\":\""
                  + text
                  + "\"},\"logprobs\":null,\"finish_reason\":null}]}\n\n");
    }
    return out;
  }

  private static ByteBuf direct(String s) {
    ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer();
    buf.writeCharSequence(s, StandardCharsets.UTF_8);
    return buf;
  }
}
