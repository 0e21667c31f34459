package dev.dspy4j.streaming.modules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.core.evaluate.Evaluate;
import dev.dspy4j.core.evaluate.EvaluationResult;
import dev.dspy4j.core.evaluate.Metrics;
import dev.dspy4j.core.lm.InvalidRequestException;
import dev.dspy4j.core.predict.Example;
import dev.dspy4j.core.predict.Predict;
import dev.dspy4j.streaming.LM;
import dev.dspy4j.streaming.testing.LoopbackServer;
import dev.dspy4j.streaming.testing.Sse;
import dev.dspy4j.streaming.testing.TestLms;
import dev.dspy4j.test.DummyLM;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * Evaluate end to end (tag "throughput": its own JVM with sampled leak detection, see the streaming
 * pom): a real {@link LM} over HTTP against a local server that answers each question after 50 ms,
 * right for most and wrong for every tenth, and fails every 97th with a 400.
 */
@Tag("throughput")
class EvaluateHttpTest {

  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final Duration DELAY = Duration.ofMillis(50);
  private static final Pattern QUESTION = Pattern.compile("<q(\\d+)>");

  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger peakInFlight = new AtomicInteger();
  private final AtomicInteger requests = new AtomicInteger();
  private LoopbackServer server;

  @AfterEach
  void stop() {
    if (server != null) server.close();
  }

  private static List<Example> devset(int from, int n) {
    return IntStream.range(from, from + n)
        .mapToObj(
            i ->
                Example.of(Map.of("question", "<q" + i + ">", "answer", "a" + i))
                    .withInputs("question"))
        .toList();
  }

  private LoopbackServer server() {
    return LoopbackServer.start(
        (req, res) ->
            req.receive()
                .aggregate()
                .asString()
                .flatMap(
                    body -> {
                      requests.incrementAndGet();
                      int now = inFlight.incrementAndGet();
                      peakInFlight.accumulateAndGet(now, Math::max);
                      Matcher m = QUESTION.matcher(body);
                      int n = m.find() ? Integer.parseInt(m.group(1)) : -1;
                      return Mono.delay(DELAY)
                          .then(
                              Mono.defer(
                                  () -> {
                                    inFlight.decrementAndGet();
                                    if (n % 97 == 5) {
                                      return res.status(400)
                                          .header("Content-Type", "application/json")
                                          .sendString(
                                              Mono.just(
                                                  "{\"error\":{\"message\":\"bad question\"}}"))
                                          .then();
                                    }
                                    String answer = n % 10 == 7 ? "wrong" : "a" + n;
                                    return res.header("Content-Type", "application/json")
                                        .sendString(
                                            Mono.just(
                                                Sse.completion(
                                                    DummyLM.chatFormat(Map.of("answer", answer)))))
                                        .then();
                                  }));
                    }));
  }

  @Test
  void aThousandExamplesAtConcurrency64FinishNearTheIdealTimeWithTheExpectedScore() {
    server = server();
    LM lm = TestLms.builder(server.apiBase()).cache(false).numRetries(0).build();
    Predict qa = Predict.of("question -> answer").withLm(lm);
    // Warm up connections and the JIT with other questions (two full-size runs), so the figure
    // measures Evaluate, not the first connections or interpreted code.
    for (int warm = 0; warm < 2; warm++) {
      Evaluate.of(devset(10_000, 1_000), Metrics.answerExactMatch())
          .withConcurrency(64)
          .withMaxErrors(1_000)
          .run(qa)
          .block(WAIT);
    }
    peakInFlight.set(0);
    requests.set(0);

    // Three timed runs; the median is the figure (one run on 2 cores is noisy).
    var walls = new java.util.ArrayList<Long>();
    EvaluationResult r = null;
    for (int run = 0; run < 3; run++) {
      requests.set(0);
      long start = System.nanoTime();
      r =
          Evaluate.of(devset(0, 1_000), Metrics.answerExactMatch())
              .withConcurrency(64)
              .withMaxErrors(1_000)
              .run(qa)
              .block(WAIT);
      walls.add(Duration.ofNanos(System.nanoTime() - start).toMillis());
    }
    long wall = walls.stream().sorted().toList().get(1);

    long ideal = (long) Math.ceil(1_000 / 64.0) * DELAY.toMillis(); // 16 rounds of 50 ms
    long failed = IntStream.range(0, 1_000).filter(i -> i % 97 == 5).count();
    long correct = IntStream.range(0, 1_000).filter(i -> i % 97 != 5 && i % 10 != 7).count();
    System.out.printf(
        "EVALUATE-HTTP-FIGURES 1000 examples, concurrency 64, %d ms per answer: wall %s ms, median %d"
            + " (ideal %d ms, %.2fx), peak in flight %d, score %.2f%n",
        DELAY.toMillis(), walls, wall, ideal, wall / (double) ideal, peakInFlight.get(), r.score());

    assertThat(requests).hasValue(1_000);
    assertThat(r.score()).isEqualTo(Math.round(100.0 * correct / 1_000 * 100) / 100.0);
    assertThat(r.failures())
        .hasSize((int) failed)
        .allSatisfy(
            row -> assertThat(row.error()).get().isInstanceOf(InvalidRequestException.class));
    assertThat(peakInFlight.get()).as("peak in flight on the server").isLessThanOrEqualTo(64);
    assertThat(peakInFlight.get()).as("calls overlapped").isGreaterThanOrEqualTo(32);
    assertThat(wall).as("median wall time (ideal %d ms)", ideal).isLessThanOrEqualTo(ideal * 3 / 2);
  }
}
