package dev.dspy4j.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.core.Dspy;
import dev.dspy4j.core.cache.DefaultLmCache;
import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.core.lm.StreamInterruptedException;
import dev.dspy4j.core.predict.Prediction;
import dev.dspy4j.core.predict.ReAct;
import dev.dspy4j.core.ratelimit.RateLimiter;
import dev.dspy4j.core.tool.Tool;
import dev.dspy4j.core.usage.UsageTracker;
import dev.dspy4j.streaming.testing.MockServers;
import dev.dspy4j.streaming.testing.Sse;
import dev.dspy4j.streaming.testing.TestLms;
import dev.dspy4j.test.DummyLM;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import reactor.blockhound.BlockHound;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * With BlockHound installed, every blocking call on a non-blocking thread (Netty event loops,
 * Reactor's parallel timers) is recorded; the LM's paths must record none. Runs in its own JVM (tag
 * "blockhound", see the streaming pom) because BlockHound instruments the whole JVM.
 */
@Tag("blockhound")
class LmNonBlockingTest {

  private static final Queue<String> BLOCKING_CALLS = new ConcurrentLinkedQueue<>();
  private static final Duration WAIT = Duration.ofSeconds(30);

  @StartStop private final MockWebServer server = new MockWebServer();

  @BeforeAll
  static void installBlockHound() {
    // install(...) also loads the Reactor and Netty integrations (which mark their threads
    // non-blocking).
    BlockHound.install(
        builder ->
            builder.blockingMethodCallback(
                method -> BLOCKING_CALLS.add(method + " on " + Thread.currentThread().getName())));
  }

  @BeforeEach
  void reset() {
    BLOCKING_CALLS.clear();
    MockServers.failUnexpectedRequests(server);
  }

  @Test
  void blockHoundCatchesASleepOnANonBlockingThread() {
    StepVerifier.create(
            Mono.delay(Duration.ofMillis(1))
                .doOnNext(
                    x -> {
                      try {
                        Thread.sleep(5);
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                      }
                    }))
        .expectNextCount(1)
        .expectComplete()
        .verify(WAIT);
    assertThat(BLOCKING_CALLS).as("the detector works").anyMatch(call -> call.contains("sleep"));
  }

  @Test
  void completeStreamRetriesAndErrorsNeverBlockANonBlockingThread() {
    LM lm = TestLms.builder(server).build();

    server.enqueue(
        new MockResponse.Builder()
            .code(503)
            .addHeader("retry-after-ms", "50")
            .body("busy")
            .build());
    server.enqueue(
        new MockResponse.Builder()
            .addHeader("Content-Type", "application/json")
            .body(Sse.completion("ok"))
            .build());
    StepVerifier.create(lm.call("hi")).expectNext(List.of("ok")).expectComplete().verify(WAIT);

    server.enqueue(
        new MockResponse.Builder()
            .addHeader("Content-Type", "text/event-stream")
            .body(Sse.stream("a", "b", "c"))
            .throttleBody(64, 5, TimeUnit.MILLISECONDS)
            .build());
    StepVerifier.create(lm.tokens("hi")).expectNext("a", "b", "c").expectComplete().verify(WAIT);

    server.enqueue(
        new MockResponse.Builder()
            .addHeader("Content-Type", "text/event-stream")
            .body(Sse.text("part"))
            .build());
    StepVerifier.create(lm.stream(LmRequest.ofUser("hi")))
        .expectNextCount(1)
        .expectError(StreamInterruptedException.class)
        .verify(WAIT);

    assertThat(BLOCKING_CALLS).as("blocking calls on non-blocking threads").isEmpty();
  }

  @Test
  void cachedCoalescedAndRateLimitedCallsNeverBlockANonBlockingThread() {
    Dspy.configureCache(DefaultLmCache.builder().build());
    RateLimiter limiter = RateLimiter.builder().maxConcurrent(2).build();
    LM lm = TestLms.builder(server).cache(true).rateLimiter(limiter).build();
    UsageTracker tracker = UsageTracker.create();

    server.enqueue(
        new MockResponse.Builder()
            .code(429)
            .addHeader("retry-after-ms", "50")
            .body("slow down")
            .build());
    server.enqueue(
        new MockResponse.Builder()
            .addHeader("Content-Type", "application/json")
            .headersDelay(200, TimeUnit.MILLISECONDS)
            .body(Sse.completion("ok"))
            .build());
    // Ten identical calls: one request (429, then retried under the limiter), the rest join or hit.
    StepVerifier.create(
            Flux.range(0, 10)
                .flatMap(i -> lm.complete(LmRequest.ofUser("hi")), 10)
                .contextWrite(tracker.context()))
        .expectNextCount(10)
        .expectComplete()
        .verify(WAIT);
    StepVerifier.create(lm.tokens("hi")).expectNext("ok").expectComplete().verify(WAIT);

    assertThat(server.getRequestCount()).isEqualTo(2);
    assertThat(lm.history().entries()).hasSize(11);
    assertThat(BLOCKING_CALLS).as("blocking calls on non-blocking threads").isEmpty();
    Dspy.configureCache(DefaultLmCache.builder().build());
  }

  record CityArgs(String city) {}

  private void answer(Map<String, ?> fields) {
    server.enqueue(
        new MockResponse.Builder()
            .addHeader("Content-Type", "application/json")
            .body(Sse.completion(DummyLM.chatFormat(fields)))
            .build());
  }

  @Test
  void aSleepingToolNeverBlocksANonBlockingThread() {
    MockServers.failUnexpectedRequests(server);
    var toolThread = new AtomicReference<String>();
    Tool sleepy =
        Tool.of(
            "lookup",
            "Looks up slowly.",
            CityArgs.class,
            a -> {
              toolThread.set(Thread.currentThread().getName());
              try {
                Thread.sleep(30);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return "found " + a.city();
            });
    var step = new LinkedHashMap<String, Object>();
    step.put("next_thought", "look it up");
    step.put("next_tool_name", "lookup");
    step.put("next_tool_args", Map.of("city", "Paris"));
    answer(step);
    var finish = new LinkedHashMap<String, Object>();
    finish.put("next_thought", "done");
    finish.put("next_tool_name", "finish");
    finish.put("next_tool_args", Map.of());
    answer(finish);
    answer(Map.of("reasoning", "r", "answer", "Paris"));
    BLOCKING_CALLS.clear();

    Prediction p =
        ReAct.of("question -> answer", List.of(sleepy))
            .call(Map.of("question", "q"))
            .contextWrite(Dspy.withLm(TestLms.builder(server).build()))
            .block(WAIT);

    assertThat(p.get("answer")).isEqualTo("Paris");
    assertThat(toolThread.get()).startsWith("boundedElastic-");
    assertThat(BLOCKING_CALLS).as("blocking calls on non-blocking threads").isEmpty();
  }
}
