package dev.dspy4j.streaming.modules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.core.batch.BatchFailedException;
import dev.dspy4j.core.batch.BatchOptions;
import dev.dspy4j.core.batch.BatchResult;
import dev.dspy4j.core.lm.InvalidRequestException;
import dev.dspy4j.core.lm.RateLimitException;
import dev.dspy4j.core.lm.RetryPolicy;
import dev.dspy4j.core.predict.Predict;
import dev.dspy4j.core.predict.Prediction;
import dev.dspy4j.core.ratelimit.RateLimiter;
import dev.dspy4j.streaming.LM;
import dev.dspy4j.streaming.testing.LoopbackServer;
import dev.dspy4j.streaming.testing.Sse;
import dev.dspy4j.streaming.testing.TestLms;
import dev.dspy4j.test.DummyLM;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerResponse;
import reactor.test.StepVerifier;

/**
 * {@code Predict.batch} (issue 8) end to end: the real {@link LM} over HTTP against a local server
 * that delays each answer and counts, on its side, the requests it is working on.
 */
class PredictBatchHttpTest {

  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final Duration DELAY = Duration.ofMillis(50);

  /**
   * The 2,000-input run answers after 200 ms: long enough that the client and server work of a call
   * (under PARANOID leak detection, on 2 shared cores) hides inside the wait, so the wall time
   * shows the concurrency bound rather than the machine's CPU.
   */
  private static final Duration BATCH_DELAY = Duration.ofMillis(200);

  private static final Pattern QUESTION = Pattern.compile("<q(\\d+)>");

  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger peakInFlight = new AtomicInteger();
  private final AtomicInteger requests = new AtomicInteger();
  private LoopbackServer server;

  @AfterEach
  void stop() {
    if (server != null) server.close();
  }

  private static List<Map<String, ?>> questions(int n) {
    return IntStream.range(0, n)
        .<Map<String, ?>>mapToObj(i -> Map.of("question", "<q" + i + ">"))
        .toList();
  }

  private static int questionNumber(String body) {
    Matcher m = QUESTION.matcher(body);
    if (!m.find()) throw new IllegalStateException("no question in " + body);
    return Integer.parseInt(m.group(1));
  }

  /** What a server answering item {@code n} does, after the delay. */
  private interface Answer {
    Mono<Void> send(int n, HttpServerResponse res);
  }

  private static Mono<Void> answerText(HttpServerResponse res, String text) {
    return res.header("Content-Type", "application/json")
        .sendString(Mono.just(Sse.completion(text)))
        .then();
  }

  private static final Answer CORRECT =
      (n, res) -> answerText(res, DummyLM.chatFormat(Map.of("answer", "a" + n)));

  /**
   * A server that counts each request as in flight from its arrival until its answer starts, waits
   * {@code delay}, then answers. The count goes down before the answer is written, so a client that
   * sends its next request on receiving an answer can never make the count overshoot.
   */
  private LoopbackServer delayingServer(Answer answer) {
    return delayingServer(answer, DELAY);
  }

  private LoopbackServer delayingServer(Answer answer, Duration delay) {
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
                      int n = questionNumber(body);
                      return Mono.delay(delay)
                          .then(
                              Mono.defer(
                                  () -> {
                                    inFlight.decrementAndGet();
                                    return answer.send(n, res);
                                  }));
                    }));
  }

  private static LM lm(LoopbackServer server) {
    return TestLms.builder(server.apiBase()).cache(false).build();
  }

  @Test
  void
      twoThousandInputsAtConcurrency64StayWithin64InFlightFinishInAboutTheIdealTimeAndComeBackInOrder() {
    server = delayingServer(CORRECT, BATCH_DELAY);
    Predict qa = Predict.of("question -> answer").withLm(lm(server));
    // Warm up the connection pool and the JIT, so the figure measures the batch, not the first
    // connections.
    qa.batch(Flux.fromIterable(questions(256)), 64).blockLast(WAIT);
    peakInFlight.set(0);
    requests.set(0);

    long start = System.nanoTime();
    List<String> answers =
        qa.batch(Flux.fromIterable(questions(2_000)), 64)
            .map(p -> p.get("answer"))
            .collectList()
            .block(WAIT);
    Duration wall = Duration.ofNanos(System.nanoTime() - start);

    long ideal = (long) Math.ceil(2_000 / 64.0) * BATCH_DELAY.toMillis(); // 32 rounds of 200 ms
    System.out.printf(
        "BATCH-HTTP-FIGURES 2000 inputs, concurrency 64, %d ms per answer: wall %d ms (ideal %d ms),"
            + " peak in flight %d, requests %d, load average %s%n",
        BATCH_DELAY.toMillis(),
        wall.toMillis(),
        ideal,
        peakInFlight.get(),
        requests.get(),
        loadAverage());
    assertThat(answers)
        .containsExactlyElementsOf(IntStream.range(0, 2_000).mapToObj(i -> "a" + i).toList());
    assertThat(requests).hasValue(2_000);
    assertThat(peakInFlight.get()).as("peak in flight on the server").isLessThanOrEqualTo(64);
    assertThat(peakInFlight.get()).as("calls overlapped").isGreaterThanOrEqualTo(8);
    assertThat(wall.toMillis())
        .as("no faster than 32 rounds of the delay allow")
        .isGreaterThanOrEqualTo(ideal - BATCH_DELAY.toMillis());
    // About the ideal: within 2.5 x of 32 rounds (one call at a time would take 400 s).
    assertThat(wall.toMillis()).as("wall time (ideal %d ms)", ideal).isLessThan(ideal * 5 / 2);
  }

  private static String loadAverage() {
    try {
      return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim();
    } catch (java.io.IOException | RuntimeException e) {
      return "unknown";
    }
  }

  @Test
  void maxErrorsStopsTheRunWhenTheServerFailsSomeItems() {
    Answer failEverySeventh =
        (n, res) ->
            n % 7 == 3
                ? res.status(400)
                    .header("Content-Type", "application/json")
                    .sendString(
                        Mono.just(
                            "{\"error\":{\"message\":\"item "
                                + n
                                + " is malformed\",\"type\":\"invalid_request_error\"}}"))
                    .then()
                : CORRECT.send(n, res);
    server = delayingServer(failEverySeventh);
    Predict qa =
        Predict.of("question -> answer")
            .withLm(TestLms.builder(server.apiBase()).cache(false).numRetries(0).build());

    List<BatchResult<Map<String, ?>, Prediction>> seen = new ArrayList<>();
    StepVerifier.create(
            qa.batch(
                Flux.fromIterable(questions(2_000)),
                BatchOptions.builder().concurrency(16).returnFailed(true).maxErrors(5).build()))
        .recordWith(() -> seen)
        .thenConsumeWhile(r -> true)
        .expectErrorSatisfies(
            e -> {
              assertThat(e).isInstanceOf(BatchFailedException.class);
              assertThat(e.getCause()).isInstanceOf(InvalidRequestException.class);
            })
        .verify(WAIT);

    assertThat(seen).isNotEmpty();
    assertThat(seen.get(3).isSuccess()).isFalse();
    assertThat(seen.get(3).failure().orElseThrow())
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("item 3 is malformed");
    assertThat(seen)
        .filteredOn(BatchResult::isSuccess)
        .allSatisfy(
            r ->
                assertThat(r.output().orElseThrow().get("answer"))
                    .isEqualTo("a" + questionNumber(r.input().get("question").toString())));
    // The fifth failure is item 31; with 16 in flight (and the reorder window) the run stops well
    // before 2,000.
    assertThat(requests.get()).as("requests the server saw").isLessThan(150);
  }

  @Test
  void aStretchOf429sMakesTheLimiterBackOffAndEveryItemStillCompletes() {
    Queue<Long> arrivals = new ConcurrentLinkedQueue<>();
    AtomicInteger rateLimited = new AtomicInteger();
    AtomicInteger arrived = new AtomicInteger();
    // The stretch starts with the 500th request (so it comes after a full run of traffic, however
    // fast
    // the machine is) and lasts 2 s, the Retry-After the server sends.
    AtomicLong stretchStart = new AtomicLong(Long.MAX_VALUE);
    long stretchLength = Duration.ofSeconds(2).toNanos();
    server =
        LoopbackServer.start(
            (req, res) ->
                req.receive()
                    .aggregate()
                    .asString()
                    .flatMap(
                        body -> {
                          long now = System.nanoTime();
                          arrivals.add(now);
                          if (arrived.incrementAndGet() == 500) stretchStart.set(now);
                          int n = questionNumber(body);
                          if (now >= stretchStart.get()
                              && now < stretchStart.get() + stretchLength) {
                            rateLimited.incrementAndGet();
                            return res.status(429)
                                .header("Retry-After", "2")
                                .header("Content-Type", "application/json")
                                .sendString(
                                    Mono.just(
                                        "{\"error\":{\"message\":\"rate limit exceeded\",\"type\":\"rate_limit_error\"}}"))
                                .then();
                          }
                          return Mono.delay(DELAY).then(Mono.defer(() -> CORRECT.send(n, res)));
                        }));
    RateLimiter limiter = RateLimiter.builder().maxConcurrent(32).build();
    // Every attempt goes through the limiter, so every 429 reaches it before the retry (as the old
    // rate-limit retry: 5 retries of 429s only).
    LM lm =
        TestLms.builder(server.apiBase())
            .cache(false)
            .rateLimiter(limiter)
            .retry(
                RetryPolicy.builder()
                    .maxRetries(5)
                    .filter(RateLimitException.class::isInstance)
                    .build())
            .build();
    Predict qa = Predict.of("question -> answer").withLm(lm);

    int total = 1_200;
    List<String> answers =
        qa.batch(Flux.fromIterable(questions(total)), 64)
            .map(p -> p.get("answer"))
            .collectList()
            .block(WAIT);

    assertThat(answers)
        .containsExactlyElementsOf(IntStream.range(0, total).mapToObj(i -> "a" + i).toList());
    assertThat(rateLimited.get()).as("429s answered").isPositive();
    long start = stretchStart.get();
    long before = arrivals.stream().filter(t -> t >= start - stretchLength && t < start).count();
    long during = arrivals.stream().filter(t -> t >= start && t < start + stretchLength).count();
    long after =
        arrivals.stream()
            .filter(t -> t >= start + stretchLength && t < start + 2 * stretchLength)
            .count();
    System.out.printf(
        "BATCH-HTTP-FIGURES 429 stretch of 2 s (Retry-After: 2) from the 500th request, limiter"
            + " maxConcurrent 32, batch concurrency 64: requests in the 2 s before %d, during %d (%d answered 429),"
            + " in the 2 s after %d; total requests %d for %d items; load average %s%n",
        before, during, rateLimited.get(), after, arrivals.size(), total, loadAverage());
    assertThat(before)
        .as("the run was in full swing before the stretch")
        .isGreaterThanOrEqualTo(40);
    assertThat(during)
        .as("requests during the stretch, against %d in the 2 s before", before)
        .isLessThan(before / 2);
    assertThat(arrivals.size()).isEqualTo(total + rateLimited.get());
  }
}
