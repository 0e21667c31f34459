package dev.dspy4j.core.predict;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.core.lm.LanguageModel;
import dev.dspy4j.core.lm.LmChunk;
import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.core.lm.LmResponse;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Measures the CPU time and the heap allocated per streamed token of {@code Predict.stream} (a
 * ChainOfThought-shaped answer through the ChatAdapter splitter), in process and on the calling
 * thread: the LM replays pre-built chunks synchronously, so every nanosecond counted is Predict's
 * own per-delta work plus its fixed per-call work (prompt formatting, final parse). The marginal
 * figures subtract a short answer's cost from a long one's; the same for {@code call()} on the same
 * answer (whose marginal cost is parsing the longer text) leaves streaming's own per-delta cost.
 *
 * <p>A measurement, not a pass/fail test: it runs only with {@code -Ddspy4j.measure=true} (or
 * through {@link #main} on the test class path) and prints its figures; it asserts only that every
 * stream produced its chunks and its Done.
 */
@EnabledIfSystemProperty(named = "dspy4j.measure", matches = "true")
class PredictStreamCpuMeasurement {

  private static final int LONG_TOKENS = 400;
  private static final int SHORT_TOKENS = 10;
  private static final int STREAMS_PER_ROUND = 400;
  private static final int ROUNDS = 15;

  /** Runs the measurement outside JUnit (java -cp test-classes:classes:dependencies ...). */
  public static void main(String[] args) {
    new PredictStreamCpuMeasurement().cpuAndAllocationPerStreamedToken();
  }

  @Test
  void cpuAndAllocationPerStreamedToken() {
    var bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    for (String path : new String[] {"", "/answer"}) {
      Predict longer = module(LONG_TOKENS, path);
      Predict shorter = module(SHORT_TOKENS, path);
      for (int warm = 0; warm < 5; warm++) {
        run(longer, STREAMS_PER_ROUND);
        run(shorter, STREAMS_PER_ROUND);
        call(longer, STREAMS_PER_ROUND);
        call(shorter, STREAMS_PER_ROUND);
      }
      double[] longCallNs = new double[ROUNDS];
      double[] shortCallNs = new double[ROUNDS];
      double[] longCallBytes = new double[ROUNDS];
      double[] shortCallBytes = new double[ROUNDS];
      double[] longNs = new double[ROUNDS];
      double[] shortNs = new double[ROUNDS];
      double[] longBytes = new double[ROUNDS];
      double[] shortBytes = new double[ROUNDS];
      for (int r = 0; r < ROUNDS; r++) {
        long t0 = bean.getCurrentThreadCpuTime();
        long b0 = bean.getCurrentThreadAllocatedBytes();
        run(longer, STREAMS_PER_ROUND);
        long t1 = bean.getCurrentThreadCpuTime();
        long b1 = bean.getCurrentThreadAllocatedBytes();
        run(shorter, STREAMS_PER_ROUND);
        long t2 = bean.getCurrentThreadCpuTime();
        long b2 = bean.getCurrentThreadAllocatedBytes();
        call(longer, STREAMS_PER_ROUND);
        long t3 = bean.getCurrentThreadCpuTime();
        long b3 = bean.getCurrentThreadAllocatedBytes();
        call(shorter, STREAMS_PER_ROUND);
        long t4 = bean.getCurrentThreadCpuTime();
        long b4 = bean.getCurrentThreadAllocatedBytes();
        longCallNs[r] = (t3 - t2) / (double) STREAMS_PER_ROUND;
        shortCallNs[r] = (t4 - t3) / (double) STREAMS_PER_ROUND;
        longCallBytes[r] = (b3 - b2) / (double) STREAMS_PER_ROUND;
        shortCallBytes[r] = (b4 - b3) / (double) STREAMS_PER_ROUND;
        longNs[r] = (t1 - t0) / (double) STREAMS_PER_ROUND;
        shortNs[r] = (t2 - t1) / (double) STREAMS_PER_ROUND;
        longBytes[r] = (b1 - b0) / (double) STREAMS_PER_ROUND;
        shortBytes[r] = (b2 - b1) / (double) STREAMS_PER_ROUND;
      }
      double perTokenAll = median(longNs) / LONG_TOKENS;
      double marginalNs = (median(longNs) - median(shortNs)) / (LONG_TOKENS - SHORT_TOKENS);
      double marginalBytes =
          (median(longBytes) - median(shortBytes)) / (LONG_TOKENS - SHORT_TOKENS);
      double callNs = (median(longCallNs) - median(shortCallNs)) / (LONG_TOKENS - SHORT_TOKENS);
      double callBytes =
          (median(longCallBytes) - median(shortCallBytes)) / (LONG_TOKENS - SHORT_TOKENS);
      System.out.printf(
          "MEASURE path='%s': stream, per token of a %d-token answer %.0f ns CPU; marginal per "
              + "token: stream %.0f ns / %.0f B, call() %.0f ns / %.0f B, so streaming's own per-delta cost "
              + "%.0f ns / %.0f B%n",
          path,
          LONG_TOKENS,
          perTokenAll,
          marginalNs,
          marginalBytes,
          callNs,
          callBytes,
          marginalNs - callNs,
          marginalBytes - callBytes);
    }
  }

  private static void run(Predict module, int streams) {
    for (int i = 0; i < streams; i++) {
      List<StreamEvent> events =
          module.stream(Map.of("question", "What is 2+2?")).collectList().block();
      assertThat(events).isNotNull();
      assertThat(events.get(events.size() - 1)).isInstanceOf(StreamEvent.Done.class);
      assertThat(events.size()).isGreaterThan(2);
    }
  }

  private static void call(Predict module, int calls) {
    for (int i = 0; i < calls; i++) {
      Prediction p = module.call(Map.of("question", "What is 2+2?")).block();
      assertThat(p).isNotNull();
      assertThat(p.get("answer")).isEqualTo("4");
    }
  }

  private static Predict module(int tokens, String path) {
    var predict = Predict.of("question -> reasoning, answer").withLm(new ReplayLm(chunks(tokens)));
    return path.isEmpty() ? predict : predict.withSessionPath(path.substring(1));
  }

  /** A ChatAdapter answer of about {@code tokens} deltas of four characters. */
  private static LmChunk[] chunks(int tokens) {
    var out = new ArrayList<LmChunk>();
    for (String t : List.of("[[ ", "## reas", "oning ## ]]", "\n")) out.add(LmChunk.ofText(t));
    int body = tokens - 10;
    for (int i = 0; i < body; i++)
      out.add(LmChunk.ofText(i % 3 == 2 ? " is\n" : (i % 2 == 0 ? " two" : " and")));
    for (String t : List.of("\n\n[[ ## answer", " ## ]]\n", "4", "\n\n[[ ## completed ## ]]"))
      out.add(LmChunk.ofText(t));
    out.add(LmChunk.of(0, "", null, "stop", null));
    out.add(LmChunk.ofUsage(new dev.dspy4j.core.lm.Usage(20, tokens, 20 + tokens)));
    return out.toArray(new LmChunk[0]);
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  /** Replays the same chunks synchronously on the subscribing thread. */
  private record ReplayLm(LmChunk[] chunks) implements LanguageModel {
    @Override
    public String model() {
      return "replay";
    }

    @Override
    public Mono<LmResponse> complete(LmRequest request) {
      return Mono.fromSupplier(
          () -> {
            var text = new StringBuilder();
            for (LmChunk c : chunks) text.append(c.text());
            return LmResponse.builder(List.of(text.toString()))
                .finishReason("stop")
                .usage(chunks[chunks.length - 1].usage().get())
                .build();
          });
    }

    @Override
    public Flux<LmChunk> stream(LmRequest request) {
      return Flux.fromArray(chunks);
    }
  }
}
