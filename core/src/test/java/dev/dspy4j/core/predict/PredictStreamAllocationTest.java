package dev.dspy4j.core.predict;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.core.lm.LanguageModel;
import dev.dspy4j.core.lm.LmChain;
import dev.dspy4j.core.lm.LmChunk;
import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.core.lm.LmResponse;
import dev.dspy4j.core.lm.LmTransport;
import dev.dspy4j.core.lm.RetryPolicy;
import dev.dspy4j.core.lm.Usage;
import dev.dspy4j.core.usage.LmHistory;
import java.lang.management.ManagementFactory;
import java.util.Map;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * What {@code ChainOfThought.stream} allocates per streamed delta, LM chain included (cache off, no
 * history, as the bench runs it), with the chunks built beforehand: a mid-line delta of a field
 * becomes one {@code FieldChunk} whose text is the delta itself, and nothing else per delta is
 * allocated but the growth of the two answer buffers (the chain's and the module's, each about two
 * bytes per character) and the final parse's copies of the text.
 */
class PredictStreamAllocationTest {

  private static final int DELTAS = 100_000;

  @Test
  void aMidLineDeltaCostsItsFieldChunkAndLittleMore() {
    var chunks = new LmChunk[DELTAS + 5];
    chunks[0] = LmChunk.ofText("[[ ## reasoning ## ]]\n");
    chunks[1] = LmChunk.ofText("step");
    for (int i = 2; i < DELTAS; i++) chunks[i] = LmChunk.ofText(" step");
    chunks[DELTAS] = LmChunk.ofText("\n\n[[ ## answer ## ]]\n");
    chunks[DELTAS + 1] = LmChunk.ofText("42");
    chunks[DELTAS + 2] = LmChunk.ofText("\n\n[[ ## completed ## ]]");
    chunks[DELTAS + 3] = LmChunk.of(0, "", null, "stop", null);
    chunks[DELTAS + 4] = LmChunk.ofUsage(new Usage(10, DELTAS, DELTAS + 10));
    LmTransport prebuilt =
        new LmTransport() {
          @Override
          public String model() {
            return "prebuilt";
          }

          @Override
          public Mono<LmResponse> send(LmRequest effective) {
            return Mono.error(new UnsupportedOperationException());
          }

          @Override
          public Flux<LmChunk> sendStream(LmRequest effective) {
            return Flux.fromArray(chunks);
          }
        };
    LanguageModel lm =
        LmChain.builder(prebuilt)
            .cache(false)
            .retry(RetryPolicy.none())
            .history(LmHistory.disabled())
            .build();
    ChainOfThought cot = ChainOfThought.of("question -> answer").withLm(lm).withCache(false);

    for (int i = 0; i < 5; i++) {
      run(cot); // warm-up: let the JIT compile the path
    }
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long id = Thread.currentThread().getId();
    double worst = 0;
    for (int run = 0; run < 3; run++) {
      long before = threads.getThreadAllocatedBytes(id);
      long pieces = run(cot);
      long allocated = threads.getThreadAllocatedBytes(id) - before;
      double perDelta = (double) allocated / DELTAS;
      System.out.printf(
          "COT-STREAM-ALLOCATION %d deltas: %d bytes, %.1f bytes per delta%n",
          DELTAS, allocated, perDelta);
      assertThat(pieces).isEqualTo(DELTAS - 1); // every delta but the first marker line
      worst = Math.max(worst, perDelta);
    }
    // Per delta of five characters: its FieldChunk (32 bytes, unless the JIT's escape analysis
    // removes it) and the growth, by doubling, of the two answer buffers (about 2 bytes per
    // character each), the final text and its parse copies amortized: 44 to 76 bytes measured.
    // Copying the delta's text into a new String (~48 bytes more) or another object per delta
    // would push it past the bound.
    assertThat(worst).isLessThan(90.0);
  }

  /** Streams once; returns the number of reasoning pieces with text, checking the answer. */
  private static long run(ChainOfThought cot) {
    long[] pieces = new long[1];
    String[] answer = new String[1];
    cot.stream(Map.of("question", "Count slowly."))
        .subscribe(
            event -> {
              if (event instanceof StreamEvent.FieldChunk f
                  && f.field().equals("reasoning")
                  && !f.text().isEmpty()) {
                pieces[0]++;
              } else if (event instanceof StreamEvent.Done d) {
                answer[0] = d.prediction().get("answer");
              }
            },
            e -> {
              throw new AssertionError(e);
            });
    assertThat(answer[0]).isEqualTo("42");
    return pieces[0];
  }
}
