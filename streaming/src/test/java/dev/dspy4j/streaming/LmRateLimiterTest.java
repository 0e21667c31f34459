package dev.dspy4j.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.core.lm.LmResponse;
import dev.dspy4j.core.ratelimit.RateLimiter;
import dev.dspy4j.streaming.testing.Sse;
import dev.dspy4j.streaming.testing.TestLms;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

/** Issue 8 at the LM: a rate limiter around each HTTP attempt, adapting to what the server says. */
class LmRateLimiterTest {

  private static final Duration WAIT = Duration.ofSeconds(60);

  @StartStop private final MockWebServer server = new MockWebServer();

  /** One request as the server saw it: when it arrived and whether it was turned away. */
  private record Arrival(long nanos, boolean rateLimited, int inFlight) {}

  /**
   * A server that answers 429 (Retry-After: 1) to its first {@code limited} requests, then answers
   * every request after {@code answerMillis}, recording arrivals and how many requests it was
   * serving.
   */
  private ConcurrentLinkedQueue<Arrival> serve(
      int limited, long answerMillis, MockResponse.Builder ok) {
    var arrivals = new ConcurrentLinkedQueue<Arrival>();
    var count = new AtomicInteger();
    var inFlight = new AtomicInteger();
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
            int now = inFlight.incrementAndGet();
            try {
              if (count.incrementAndGet() <= limited) {
                arrivals.add(new Arrival(System.nanoTime(), true, now));
                return new MockResponse.Builder()
                    .code(429)
                    .addHeader("Retry-After", "1")
                    .body("{\"error\":{\"message\":\"Rate limit exceeded\"}}")
                    .build();
              }
              arrivals.add(new Arrival(System.nanoTime(), false, now));
              Thread.sleep(
                  answerMillis); // a test server may take its time; the client never blocks
              return ok.build();
            } finally {
              inFlight.decrementAndGet();
            }
          }
        });
    return arrivals;
  }

  @Test
  void a429StretchLowersTheLimitersPaceAndEveryCallStillCompletes() {
    var ok =
        new MockResponse.Builder()
            .addHeader("Content-Type", "application/json")
            .body(Sse.completion("ok"));
    ConcurrentLinkedQueue<Arrival> arrivals = serve(4, 100, ok);
    RateLimiter limiter = RateLimiter.builder().maxConcurrent(4).build();
    LM lm = TestLms.builder(server).rateLimiter(limiter).numRetries(5).build();

    List<LmResponse> answers =
        Flux.range(0, 12)
            .flatMap(i -> lm.complete(LmRequest.ofUser("question " + i)), 12)
            .collectList()
            .block(WAIT);

    assertThat(answers).hasSize(12).allSatisfy(r -> assertThat(r.text()).isEqualTo("ok"));
    assertThat(lm.rateLimiter()).containsSame(limiter);
    // The 429s halved the pace; twelve answers since have not brought it back to full speed.
    assertThat(limiter.state().pace()).isLessThan(1.0);
    assertThat(limiter.state().concurrencyLimit()).isLessThan(4);
    assertThat(limiter.state().inFlight()).isZero();

    List<Arrival> all = List.copyOf(arrivals);
    assertThat(all).hasSize(16); // 4 turned away + 12 answered: each limited call retried once
    long first429 =
        all.stream().filter(Arrival::rateLimited).mapToLong(Arrival::nanos).min().orElseThrow();
    long firstAnswered =
        all.stream().filter(a -> !a.rateLimited()).mapToLong(Arrival::nanos).min().orElseThrow();
    // After the first 429 nobody got through before its Retry-After had passed: waiting calls were
    // paused, turned-away ones waited to retry (a lower bound: load only adds to it). Measured from
    // the first 429, because on a loaded machine one of the first four requests may arrive late.
    assertThat(Duration.ofNanos(firstAnswered - first429))
        .isGreaterThanOrEqualTo(Duration.ofMillis(900));
    // Before the 429s up to 4 requests ran at once; afterwards the lowered pace allows fewer.
    assertThat(
            all.stream()
                .filter(a -> !a.rateLimited())
                .mapToInt(Arrival::inFlight)
                .max()
                .orElseThrow())
        .isLessThanOrEqualTo(limiter.state().concurrencyLimit())
        .isLessThan(4);
  }

  @Test
  void everyStreamedAttemptHoldsAPermitAndReportsRateLimits() {
    var ok =
        new MockResponse.Builder()
            .addHeader("Content-Type", "text/event-stream")
            .body(Sse.stream("o", "k"));
    ConcurrentLinkedQueue<Arrival> arrivals = serve(2, 20, ok);
    RateLimiter limiter = RateLimiter.builder().maxConcurrent(2).build();
    LM lm = TestLms.builder(server).rateLimiter(limiter).numRetries(5).build();

    List<String> texts =
        Flux.range(0, 4)
            .flatMap(i -> lm.tokens("stream " + i).collectList().map(t -> String.join("", t)), 4)
            .collectList()
            .block(WAIT);

    assertThat(texts).hasSize(4).containsOnly("ok");
    assertThat(arrivals).hasSize(6);
    assertThat(limiter.state().pace()).isLessThan(1.0);
    assertThat(limiter.state().inFlight()).isZero();
  }

  @Test
  void responseHeadersSayingTheBudgetIsSpentSlowTheLimiterDown() {
    var ok =
        new MockResponse.Builder()
            .addHeader("Content-Type", "application/json")
            .addHeader("x-ratelimit-limit-requests", "100")
            .addHeader("x-ratelimit-remaining-requests", "1")
            .body(Sse.completion("ok"));
    serve(0, 0, ok);
    RateLimiter limiter = RateLimiter.builder().maxConcurrent(8).build();
    LM lm = TestLms.builder(server).rateLimiter(limiter).build();

    assertThat(lm.complete(LmRequest.ofUser("q")).block(WAIT).text()).isEqualTo("ok");

    assertThat(limiter.state().pace()).isLessThan(1.0);
  }
}
