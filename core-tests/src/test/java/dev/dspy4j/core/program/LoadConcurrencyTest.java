package dev.dspy4j.core.program;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.core.Dspy;
import dev.dspy4j.core.lm.LanguageModel;
import dev.dspy4j.core.lm.LmChunk;
import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.core.lm.LmResponse;
import dev.dspy4j.core.lm.Message;
import dev.dspy4j.core.predict.Example;
import dev.dspy4j.core.predict.Predict;
import dev.dspy4j.core.predict.StreamEvent;
import dev.dspy4j.test.DummyLM;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A call in flight while load replaces the state uses the old state or the new one, never a mix.
 * The calls run on the program's own Predict (the LM comes from the Context): a {@code withLm} copy
 * would be detached from later loads.
 */
class LoadConcurrencyTest {

  @TempDir Path dir;

  private static final Map<String, Object> INPUTS = Map.of("question", "Q?");

  /**
   * Two files for {@code question -> answer} that differ in instructions, demos and descriptions.
   */
  private Path[] twoStates() {
    Predict a = Predict.of("question -> answer");
    a.updateState(
        s ->
            s.withInstructions("State A instructions.")
                .withDemos(List.of(demo("qa1", "aa1"), demo("qa2", "aa2"))));
    Predict b = Predict.of("question -> answer");
    b.updateState(
        s -> s.withInstructions("State B instructions.").withDemos(List.of(demo("qb1", "ab1"))));
    Path fileA = dir.resolve("a.json");
    Path fileB = dir.resolve("b.json");
    a.save(fileA);
    b.save(fileB);
    return new Path[] {fileA, fileB};
  }

  private static Example demo(String q, String a) {
    var values = new LinkedHashMap<String, Object>();
    values.put("question", q);
    values.put("answer", a);
    return Example.of(values);
  }

  private static List<Message> promptOf(Path file) {
    Predict p = Predict.of("question -> answer");
    p.load(file);
    DummyLM lm = DummyLM.of(List.of(Map.of("answer", "x")));
    p.withLm(lm).call(INPUTS).block(Duration.ofSeconds(5));
    return lm.lastRequest().messages();
  }

  @Test
  void manyCallsWhileLoadsAlternateEachSeeOneWholeState() throws Exception {
    Path[] files = twoStates();
    List<Message> promptA = promptOf(files[0]);
    List<Message> promptB = promptOf(files[1]);
    assertThat(promptA).isNotEqualTo(promptB);

    Predict program = Predict.of("question -> answer");
    program.load(files[0]);
    var seen = new ConcurrentLinkedQueue<List<Message>>();
    LanguageModel recording = new DummyLmRecorder(seen);
    var stop = new AtomicBoolean();
    var loads = new AtomicInteger();
    var loader =
        new Thread(
            () -> {
              while (!stop.get()) program.load(files[loads.getAndIncrement() % 2]);
            });
    // file loads are slow next to a call's formatting; a second writer swaps the same two states
    // (as load applies them) in a tight loop so that a call reading the state twice would be caught
    Predict loadedA = Predict.of("question -> answer");
    loadedA.load(files[0]);
    Predict loadedB = Predict.of("question -> answer");
    loadedB.load(files[1]);
    var swapper =
        new Thread(
            () -> {
              for (int i = 0; !stop.get(); i++)
                program.setState(i % 2 == 0 ? loadedA.state() : loadedB.state());
            });
    loader.start();
    swapper.start();
    try {
      Flux.range(0, 4000)
          .flatMap(
              i ->
                  program
                      .call(INPUTS)
                      .contextWrite(Dspy.withLm(recording))
                      .subscribeOn(Schedulers.boundedElastic()),
              32)
          .then()
          .block(Duration.ofSeconds(60));
      // streams read the state once too
      Flux.range(0, 500)
          .flatMap(
              i ->
                  Predict.of("question -> answer").stream(INPUTS)
                      .then()
                      .contextWrite(Dspy.withLm(recording))
                      .subscribeOn(Schedulers.boundedElastic()),
              16)
          .then()
          .block(Duration.ofSeconds(60));
      Flux.range(0, 1000)
          .flatMap(
              i ->
                  program.stream(INPUTS)
                      .then()
                      .contextWrite(Dspy.withLm(recording))
                      .subscribeOn(Schedulers.boundedElastic()),
              32)
          .then()
          .block(Duration.ofSeconds(60));
    } finally {
      stop.set(true);
      loader.join();
      swapper.join();
    }
    assertThat(loads.get()).isGreaterThan(10);
    int a = 0;
    int b = 0;
    for (var prompt : seen) {
      if (prompt.size() == 2) continue; // the fresh predicts of the stream check, without demos
      if (prompt.equals(promptA)) a++;
      else if (prompt.equals(promptB)) b++;
      else throw new AssertionError("a prompt mixing the two states:\n" + prompt);
    }
    assertThat(a + b).isEqualTo(5000);
    assertThat(a).as("calls on state A").isPositive();
    assertThat(b).as("calls on state B").isPositive();
  }

  @Test
  void aLoadBetweenACallsTwoLmRequestsDoesNotChangeTheSecond() throws Exception {
    Path[] files = twoStates();
    List<Message> promptA = promptOf(files[0]);
    Predict program = Predict.of("question -> answer");
    program.load(files[0]);
    // The first answer cannot be parsed (so Predict retries with the JSON adapter, a second LM
    // request); while answering it, the LM loads state B into the program.
    var requests = new ArrayList<LmRequest>();
    LanguageModel loadingMidCall =
        new LanguageModel() {
          @Override
          public String model() {
            return "mid-call-loader";
          }

          @Override
          public Mono<LmResponse> complete(LmRequest request) {
            requests.add(request);
            if (requests.size() == 1) {
              program.load(files[1]);
              return Mono.just(LmResponse.of("no markers here"));
            }
            return Mono.just(LmResponse.of("{\"answer\": \"ok\"}"));
          }

          @Override
          public Flux<LmChunk> stream(LmRequest request) {
            return complete(request).map(r -> LmChunk.ofText(r.text())).flux();
          }
        };
    assertThat(
            program
                .call(INPUTS)
                .contextWrite(Dspy.withLm(loadingMidCall))
                .block(Duration.ofSeconds(5))
                .get("answer"))
        .isEqualTo("ok");
    assertThat(requests).hasSize(2);
    assertThat(requests.get(0).messages()).isEqualTo(promptA);
    // the JSON retry still shows state A's instructions and demos
    String retrySystem = requests.get(1).messages().get(0).content();
    assertThat(retrySystem).contains("State A instructions.").doesNotContain("State B");
    assertThat(requests.get(1).messages().toString()).contains("qa1").doesNotContain("qb1");
    // and the next call sees state B
    assertThat(program.state().signature().instructions()).isEqualTo("State B instructions.");

    // the same for a stream: its JSON fallback keeps the state the stream started with
    requests.clear();
    program.load(files[0]);
    var events =
        program.stream(INPUTS)
            .contextWrite(Dspy.withLm(loadingMidCall))
            .collectList()
            .block(Duration.ofSeconds(5));
    assertThat(events.get(events.size() - 1)).isInstanceOf(StreamEvent.Done.class);
    assertThat(requests).hasSize(2);
    assertThat(requests.get(1).messages().toString())
        .contains("State A instructions.")
        .contains("qa1")
        .doesNotContain("qb1");
  }

  /** Records each request's messages and answers at once. */
  private record DummyLmRecorder(ConcurrentLinkedQueue<List<Message>> seen)
      implements LanguageModel {
    @Override
    public String model() {
      return "recorder";
    }

    @Override
    public Mono<LmResponse> complete(LmRequest request) {
      seen.add(request.messages());
      return Mono.just(LmResponse.of(DummyLM.chatFormat(Map.of("answer", "x"))));
    }

    @Override
    public Flux<LmChunk> stream(LmRequest request) {
      seen.add(request.messages());
      return Flux.just(LmChunk.ofText(DummyLM.chatFormat(Map.of("answer", "x"))));
    }
  }
}
