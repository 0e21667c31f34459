package dev.dspy4j.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.core.Dspy;
import dev.dspy4j.core.predict.Prediction;
import dev.dspy4j.core.predict.ReAct;
import dev.dspy4j.core.testing.DummyLM;
import dev.dspy4j.core.tool.Tool;
import dev.dspy4j.streaming.testing.MockServers;
import dev.dspy4j.streaming.testing.Sse;
import dev.dspy4j.streaming.testing.TestLms;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import reactor.blockhound.BlockHound;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * A ReAct agent whose tool sleeps, over real HTTP: with BlockHound installed, nothing blocks a Netty
 * event loop or a parallel thread (the tool runs on a bounded-elastic thread). Own JVM (tag "blockhound").
 */
@Tag("blockhound")
class ReActNonBlockingTest {

  private static final Queue<String> BLOCKING_CALLS = new ConcurrentLinkedQueue<>();
  private static final Duration WAIT = Duration.ofSeconds(30);

  record CityArgs(String city) {}

  @StartStop
  private final MockWebServer server = new MockWebServer();

  @BeforeAll
  static void installBlockHound() {
    BlockHound.install(builder -> builder.blockingMethodCallback(
        method -> BLOCKING_CALLS.add(method + " on " + Thread.currentThread().getName())));
  }

  private void answer(Map<String, ?> fields) {
    server.enqueue(new MockResponse.Builder().addHeader("Content-Type", "application/json")
        .body(Sse.completion(DummyLM.chatFormat(fields))).build());
  }

  @Test
  void theDetectorSeesASleepOnAnEventLoopThread() {
    StepVerifier.create(Mono.delay(Duration.ofMillis(1)).doOnNext(x -> {
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    })).expectNextCount(1).verifyComplete();
    assertThat(BLOCKING_CALLS).anyMatch(c -> c.contains("sleep"));
    BLOCKING_CALLS.clear();
  }

  @Test
  void aSleepingToolNeverBlocksANonBlockingThread() {
    MockServers.failUnexpectedRequests(server);
    var toolThread = new AtomicReference<String>();
    Tool sleepy = Tool.of("lookup", "Looks up slowly.", CityArgs.class, a -> {
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

    Prediction p = ReAct.of("question -> answer", List.of(sleepy)).call(Map.of("question", "q"))
        .contextWrite(Dspy.withLm(TestLms.builder(server).build())).block(WAIT);

    assertThat(p.get("answer")).isEqualTo("Paris");
    assertThat(toolThread.get()).startsWith("boundedElastic-");
    assertThat(BLOCKING_CALLS).as("blocking calls on non-blocking threads").isEmpty();
  }
}
