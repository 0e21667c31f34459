package dev.dspy4j.core.predict.react;

import static dev.dspy4j.core.predict.react.ReActGoldenTest.DIVIDE;
import static dev.dspy4j.core.predict.react.ReActGoldenTest.JSON;
import static dev.dspy4j.core.predict.react.ReActGoldenTest.LOOKUP_POPULATION;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.core.Dspy;
import dev.dspy4j.core.helicone.Helicone;
import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.core.predict.Prediction;
import dev.dspy4j.core.predict.ReAct;
import dev.dspy4j.core.predict.StreamEvent;
import dev.dspy4j.core.tool.Tool;
import dev.dspy4j.test.DummyLM;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

class ReActBehaviourTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  record CityArgs(String city) {}

  private static Map<String, Object> step(String thought, String tool, Map<String, ?> args) {
    var m = new LinkedHashMap<String, Object>();
    m.put("next_thought", thought);
    m.put("next_tool_name", tool);
    m.put("next_tool_args", args);
    return m;
  }

  private static Map<String, Object> extract(String answer) {
    var m = new LinkedHashMap<String, Object>();
    m.put("reasoning", "because");
    m.put("answer", answer);
    return m;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> trajectory(Prediction p) {
    return (Map<String, Object>) p.value("trajectory").orElseThrow();
  }

  private static Prediction run(ReAct agent, DummyLM lm) {
    return agent.call(Map.of("question", "q?")).contextWrite(Dspy.withLm(lm)).block(WAIT);
  }

  @Test
  void badArgumentsBecomeDspysObservationAndTheAgentGoesOn() {
    DummyLM lm =
        DummyLM.of(
            List.of(
                step("divide", "divide", Map.of("numerator", "x", "denominator", 2)),
                step("unknown arg", "lookup_population", Map.of("town", "Paris")),
                step("missing arg", "lookup_population", Map.of()),
                step("done", "finish", Map.of()),
                extract("A")));
    Prediction p = run(ReAct.of("question -> answer", List.of(LOOKUP_POPULATION, DIVIDE)), lm);

    assertThat(trajectory(p))
        .containsEntry(
            "observation_0",
            "Execution error in divide: Arg numerator is invalid: 'x' is not of type 'number'")
        .containsEntry(
            "observation_1",
            "Execution error in lookup_population: Arg town is not in the tool's args.")
        .containsEntry(
            "observation_2",
            "Execution error in lookup_population: lookup_population() missing 1 required positional argument: 'city'")
        .containsEntry("observation_3", "Completed.");
    assertThat(p.get("answer")).isEqualTo("A");
  }

  @Test
  void aToolExceptionBecomesTheObservation() {
    Tool failing =
        Tool.of(
            "lookup_population",
            "Look up.",
            CityArgs.class,
            a -> {
              throw new IllegalStateException("no such city: " + a.city());
            });
    DummyLM lm =
        DummyLM.of(
            List.of(
                step("t", "lookup_population", Map.of("city", "Rome")),
                step("done", "finish", Map.of()),
                extract("A")));
    Prediction p = run(ReAct.of("question -> answer", List.of(failing)), lm);
    assertThat(trajectory(p))
        .containsEntry("observation_0", "Execution error in lookup_population: no such city: Rome");
  }

  @Test
  void anAnswerNamingNoToolEndsTheTrajectoryAndTheExtractStepRuns() {
    // The ChatAdapter cannot parse "teleport" as one of the tools; the JSON fallback cannot either.
    DummyLM lm =
        DummyLM.of(
            List.of(
                step("t", "teleport", Map.of()), step("t", "teleport", Map.of()), extract("A")));
    Prediction p = run(ReAct.of("question -> answer", List.of(LOOKUP_POPULATION)), lm);
    assertThat(trajectory(p)).isEmpty();
    assertThat(p.get("answer")).isEqualTo("A");
    assertThat(lm.requests()).hasSize(3);
  }

  @Test
  void streamingShowsEachToolCallAndObservationThenTheExtractChunksThenDone() {
    DummyLM lm =
        DummyLM.of(
            List.of(
                step("t", "lookup_population", Map.of("city", "Paris")),
                step("done", "finish", Map.of()),
                extract("About four")));
    List<StreamEvent> events =
        ReAct.of("question -> answer", List.of(LOOKUP_POPULATION)).stream(Map.of("question", "q?"))
            .contextWrite(Dspy.withLm(lm))
            .collectList()
            .block(WAIT);

    var statuses =
        events.stream()
            .filter(e -> e instanceof StreamEvent.Status)
            .map(e -> ((StreamEvent.Status) e).message())
            .toList();
    assertThat(statuses)
        .containsExactly(
            "Calling tool lookup_population with {\"city\": \"Paris\"}",
                "Tool lookup_population returned: 2102650",
            "Calling tool finish with {}", "Tool finish returned: Completed.");
    var chunks =
        events.stream()
            .filter(e -> e instanceof StreamEvent.FieldChunk)
            .map(e -> (StreamEvent.FieldChunk) e)
            .toList();
    assertThat(chunks)
        .isNotEmpty()
        .allSatisfy(c -> assertThat(c.field()).isIn("reasoning", "answer"));
    assertThat(
            String.join(
                "",
                chunks.stream()
                    .filter(c -> c.field().equals("answer"))
                    .map(StreamEvent.FieldChunk::text)
                    .toList()))
        .isEqualTo("About four");
    assertThat(events.get(events.size() - 1))
        .isInstanceOfSatisfying(
            StreamEvent.Done.class,
            d -> assertThat(d.prediction().get("answer")).isEqualTo("About four"));
    int lastStatus =
        events.indexOf(
            events.stream().filter(e -> e instanceof StreamEvent.Status).reduce((a, b) -> b).get());
    assertThat(events.indexOf(chunks.get(0))).isGreaterThan(lastStatus);
  }

  @Test
  void cancellingDuringAToolCancelsItAndNoFurtherLmCallIsMade() {
    var started = new AtomicInteger();
    var cancelled = new AtomicInteger();
    Tool hanging =
        Tool.of(
            "lookup_population",
            "Look up.",
            CityArgs.class,
            a ->
                Mono.never()
                    .doOnSubscribe(s -> started.incrementAndGet())
                    .doOnCancel(cancelled::incrementAndGet));
    DummyLM lm =
        DummyLM.of(
            List.of(
                step("t", "lookup_population", Map.of("city", "Paris")),
                step("done", "finish", Map.of()),
                extract("A")));
    Disposable run =
        ReAct.of("question -> answer", List.of(hanging))
            .call(Map.of("question", "q?"))
            .contextWrite(Dspy.withLm(lm))
            .subscribe();
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (started.get() == 0 && System.nanoTime() < deadline) Thread.onSpinWait();
    run.dispose();
    assertThat(cancelled).hasValue(1);
    assertThat(lm.requests()).hasSize(1);
  }

  @Test
  void aBlockingToolRunsOffTheCallersThreadAndAMonoToolKeepsItsThread() {
    var blockingThread = new AtomicReference<String>();
    Tool blocking =
        Tool.of(
            "slow",
            "Sleeps.",
            CityArgs.class,
            a -> {
              blockingThread.set(Thread.currentThread().getName());
              try {
                Thread.sleep(20);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return "slept";
            });
    var single = Schedulers.newSingle("tool-owned");
    try {
      Tool reactive =
          Tool.of(
              "fast",
              "Answers on its own thread.",
              CityArgs.class,
              a -> Mono.fromCallable(() -> "fast").subscribeOn(single));
      assertThat(blocking.call(Map.of("city", "x")).block(WAIT)).isEqualTo("slept");
      assertThat(blockingThread.get()).startsWith("boundedElastic-");
      assertThat(
              reactive
                  .call(Map.of("city", "x"))
                  .map(v -> Thread.currentThread().getName())
                  .block(WAIT))
          .startsWith("tool-owned");
    } finally {
      single.dispose();
    }
  }

  @Test
  void aToolSeesTheCallersReactorContext() {
    Tool whoami =
        Tool.of(
            "whoami",
            "Who is asking.",
            CityArgs.class,
            a ->
                Mono.deferContextual(
                    ctx -> Mono.just(Helicone.current(ctx).userId().orElse("nobody"))));
    DummyLM lm =
        DummyLM.of(
            List.of(
                step("t", "whoami", Map.of("city", "x")),
                step("done", "finish", Map.of()),
                extract("A")));
    Prediction p =
        ReAct.of("question -> answer", List.of(whoami))
            .call(Map.of("question", "q?"))
            .contextWrite(Dspy.withLm(lm))
            .contextWrite(Helicone.user("user-42"))
            .block(WAIT);
    assertThat(trajectory(p)).containsEntry("observation_0", "user-42");
  }

  @Test
  void aReActOptimizedAndSavedByPythonLoadsAndSendsDspysPrompts(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("saved_react.json");
    try (var in = getClass().getResourceAsStream("/dspy-goldens/react/saved_react.json")) {
      Files.copy(in, file);
    }
    var golden = ReActGoldenTest.golden("two_tools.json");
    ReAct agent =
        ReAct.of("question -> answer", List.of(LOOKUP_POPULATION, DIVIDE)).withMaxIters(5);
    agent.load(file);
    DummyLM lm = ReActGoldenTest.scripted(golden.get("script"));
    agent
        .call(Map.of("question", golden.get("question").asText()))
        .contextWrite(Dspy.withLm(lm))
        .block(WAIT);

    assertThat(ReActGoldenTest.prompts(lm))
        .isEqualTo(
            JSON.convertValue(
                ReActGoldenTest.golden("saved_react_prompts.json"),
                new com.fasterxml.jackson.core.type.TypeReference<
                    List<List<Map<String, String>>>>() {}));
    assertThat(agent.unregisteredTools()).isEmpty();
  }

  @Test
  void aLoadedToolListNamingAToolJavaDoesNotHaveIsReported(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("saved_react.json");
    try (var in = getClass().getResourceAsStream("/dspy-goldens/react/saved_react.json")) {
      Files.copy(in, file);
    }
    ReAct agent = ReAct.of("question -> answer", List.of(LOOKUP_POPULATION)); // no divide in Java
    agent.load(file);
    assertThat(agent.unregisteredTools()).containsExactly("divide");
  }

  @Test
  void maxItersFromTheInputsOverridesTheDefault() {
    DummyLM lm =
        DummyLM.of(List.of(step("t", "lookup_population", Map.of("city", "Paris")), extract("A")));
    var inputs = new LinkedHashMap<String, Object>();
    inputs.put("question", "q?");
    inputs.put("max_iters", 1);
    Prediction p =
        ReAct.of("question -> answer", List.of(LOOKUP_POPULATION))
            .call(inputs)
            .contextWrite(Dspy.withLm(lm))
            .block(WAIT);
    assertThat(new ArrayList<>(trajectory(p).keySet()))
        .containsExactly("thought_0", "tool_name_0", "tool_args_0", "observation_0");
    List<LmRequest> requests = lm.requests();
    assertThat(requests).hasSize(2);
  }
}
