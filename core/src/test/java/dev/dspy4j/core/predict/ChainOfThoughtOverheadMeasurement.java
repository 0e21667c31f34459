package dev.dspy4j.core.predict;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.core.lm.LanguageModel;
import dev.dspy4j.core.lm.LmChain;
import dev.dspy4j.core.lm.LmChunk;
import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.core.lm.LmResponse;
import dev.dspy4j.core.lm.LmTransport;
import dev.dspy4j.core.lm.Message;
import dev.dspy4j.core.lm.RetryPolicy;
import dev.dspy4j.core.lm.Usage;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;

/**
 * What {@code ChainOfThought.stream} costs over {@code LanguageModel.stream} on the same answer, as
 * the bench's scenario (d) compares them, without the network: one {@link LmChain} (cache off, no
 * retries, history on, as the bench's LM) over a transport that replays the bench's 204-delta
 * ChatAdapter reply synchronously on the calling thread, consumed (a) chunk by chunk as the bench's
 * {@code LM.stream} client does and (b) through {@code ChainOfThought.of("question ->
 * answer").withCache(false).stream(...)} as its ChainOfThought client does. Rounds alternate the
 * two and their order; figures are medians of the rounds, per completion, of the thread's CPU time
 * and allocated bytes. The difference is everything Predict adds (prompt formatting, the field
 * split, the stream events, the final parse), but not the transport's cost of sending a longer
 * prompt.
 *
 * <p>A measurement, not a pass/fail test: it runs only with {@code -Ddspy4j.measure=true} (or
 * through {@link #main}) and prints its figures; it asserts only that every stream delivered its
 * text and that ChainOfThought parsed answer 42.
 */
@EnabledIfSystemProperty(named = "dspy4j.measure", matches = "true")
class ChainOfThoughtOverheadMeasurement {

  private static final String PROMPT = "Count slowly and say nothing else.";
  private static final int WORDS = Integer.getInteger("dspy4j.measure.words", 200);
  private static final int PER_ROUND = 2_048;
  private static final int INTERLEAVED = Integer.getInteger("dspy4j.measure.interleaved", 64);
  private static final int ROUNDS = Integer.getInteger("dspy4j.measure.rounds", 21);

  /** Runs the measurement outside JUnit (java -cp test-classes:classes:dependencies ...). */
  public static void main(String[] args) {
    new ChainOfThoughtOverheadMeasurement().overheadPerCompletion();
  }

  @Test
  void overheadPerCompletion() {
    var bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    var os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    var replay = new Replay(chunks());
    LanguageModel lm = LmChain.builder(replay).cache(false).retry(RetryPolicy.none()).build();
    LmRequest request = LmRequest.of(List.of(Message.user(PROMPT)));
    ChainOfThought cot = ChainOfThought.of("question -> answer").withLm(lm).withCache(false);
    Map<String, Object> inputs = Map.of("question", PROMPT);
    for (int warm = 0; warm < 10; warm++) {
      lmStream(replay, lm, request, PER_ROUND);
      cotStream(replay, cot, inputs, PER_ROUND);
    }
    double[] lmNs = new double[ROUNDS];
    double[] cotNs = new double[ROUNDS];
    double[] lmBytes = new double[ROUNDS];
    double[] cotBytes = new double[ROUNDS];
    double[] diffNs = new double[ROUNDS];
    double[] diffBytes = new double[ROUNDS];
    double[] lmProcessNs = new double[ROUNDS];
    double[] cotProcessNs = new double[ROUNDS];
    for (int r = 0; r < ROUNDS; r++) {
      for (int half = 0; half < 2; half++) {
        boolean lmTurn = (r + half) % 2 == 0;
        long p0 = os.getProcessCpuTime();
        long t0 = bean.getCurrentThreadCpuTime();
        long b0 = bean.getCurrentThreadAllocatedBytes();
        if (lmTurn) lmStream(replay, lm, request, PER_ROUND);
        else cotStream(replay, cot, inputs, PER_ROUND);
        double ns = (bean.getCurrentThreadCpuTime() - t0) / (double) PER_ROUND;
        double bytes = (bean.getCurrentThreadAllocatedBytes() - b0) / (double) PER_ROUND;
        double processNs = (os.getProcessCpuTime() - p0) / (double) PER_ROUND;
        if (lmTurn) {
          lmProcessNs[r] = processNs;
          lmNs[r] = ns;
          lmBytes[r] = bytes;
        } else {
          cotProcessNs[r] = processNs;
          cotNs[r] = ns;
          cotBytes[r] = bytes;
        }
      }
      diffNs[r] = cotNs[r] - lmNs[r];
      diffBytes[r] = cotBytes[r] - lmBytes[r];
    }
    System.out.printf(
        "MEASURE per completion (%d deltas, %d streams interleaved, medians of %d rounds x %d):"
            + " LM.stream %.2f us / %.0f B; ChainOfThought.stream %.2f us / %.0f B;"
            + " ChainOfThought adds %.2f us / %.0f B (%.0f ns / %.0f B per delta), %.0f %%;"
            + " process CPU (GC and JIT included): LM.stream %.2f us, ChainOfThought %.2f us"
            + " (+%.0f %%)%n",
        WORDS + 4,
        INTERLEAVED,
        ROUNDS,
        PER_ROUND,
        median(lmNs) / 1000,
        median(lmBytes),
        median(cotNs) / 1000,
        median(cotBytes),
        median(diffNs) / 1000,
        median(diffBytes),
        median(diffNs) / (WORDS + 4),
        median(diffBytes) / (WORDS + 4),
        100 * median(diffNs) / median(lmNs),
        median(lmProcessNs) / 1000,
        median(cotProcessNs) / 1000,
        100 * (median(cotProcessNs) - median(lmProcessNs)) / median(lmProcessNs));
  }

  private static void lmStream(Replay replay, LanguageModel lm, LmRequest request, int times) {
    int[] tokens = new int[1];
    for (int i = 0; i < times; i += INTERLEAVED) {
      tokens[0] = 0;
      for (int s = 0; s < INTERLEAVED; s++) {
        lm.stream(request)
            .subscribe(
                chunk -> {
                  if (!chunk.text().isEmpty()) tokens[0]++;
                },
                e -> {
                  throw new AssertionError(e);
                });
      }
      replay.play();
      assertThat(tokens[0]).isEqualTo(INTERLEAVED * (WORDS + 4));
    }
  }

  private static void cotStream(
      Replay replay, ChainOfThought cot, Map<String, Object> inputs, int times) {
    int[] tokens = new int[1];
    int[] answered = new int[1];
    for (int i = 0; i < times; i += INTERLEAVED) {
      tokens[0] = 0;
      answered[0] = 0;
      for (int s = 0; s < INTERLEAVED; s++) {
        cot.stream(inputs)
            .subscribe(
                event -> {
                  if (event instanceof StreamEvent.FieldChunk f && !f.text().isEmpty()) {
                    tokens[0]++;
                  } else if (event instanceof StreamEvent.Done d
                      && "42".equals(d.prediction().get("answer"))) {
                    answered[0]++;
                  }
                },
                e -> {
                  throw new AssertionError(e);
                });
      }
      replay.play();
      assertThat(answered[0]).isEqualTo(INTERLEAVED);
      assertThat(tokens[0]).isGreaterThan(INTERLEAVED * WORDS / 2);
    }
  }

  /** The bench server's ChainOfThought reply, as the SSE decoder hands it on. */
  private static LmChunk[] chunks() {
    var texts = new ArrayList<String>();
    texts.add("[[ ## reasoning ## ]]\n");
    for (int i = 0; i < WORDS; i++) texts.add(i == 0 ? "step" : " step");
    texts.add("\n\n[[ ## answer ## ]]\n");
    texts.add("42");
    texts.add("\n\n[[ ## completed ## ]]");
    var out = new ArrayList<LmChunk>();
    out.add(LmChunk.ofText(""));
    for (String t : texts) out.add(LmChunk.ofText(t));
    out.add(LmChunk.of(0, "", null, "stop", null));
    out.add(LmChunk.ofUsage(new Usage(12, texts.size(), 12 + texts.size())));
    return out.toArray(new LmChunk[0]);
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  /**
   * Replays the same chunks to {@link #INTERLEAVED} streams at once, round-robin, on the calling
   * thread: each stream registers its sink when subscribed, {@link #play} then hands chunk 0 to
   * every stream, then chunk 1, ..., as an event loop serving many connections does, so that each
   * delta finds its stream's state as cold as it is under load.
   */
  private static final class Replay implements LmTransport {
    private final LmChunk[] chunks;
    private final List<FluxSink<LmChunk>> sinks = new ArrayList<>();

    Replay(LmChunk[] chunks) {
      this.chunks = chunks;
    }

    @Override
    public String model() {
      return "replay";
    }

    @Override
    public Mono<LmResponse> send(LmRequest effective) {
      return Mono.error(new UnsupportedOperationException("stream only"));
    }

    @Override
    public Flux<LmChunk> sendStream(LmRequest effective) {
      return Flux.create(sinks::add, FluxSink.OverflowStrategy.IGNORE);
    }

    void play() {
      for (LmChunk chunk : chunks) {
        for (FluxSink<LmChunk> sink : sinks) sink.next(chunk);
      }
      for (FluxSink<LmChunk> sink : sinks) sink.complete();
      sinks.clear();
    }
  }
}
