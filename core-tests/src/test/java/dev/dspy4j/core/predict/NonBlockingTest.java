package dev.dspy4j.core.predict;

import dev.dspy4j.test.DummyLM;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import reactor.blockhound.BlockHound;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/** Formatting, parsing and field splitting run on non-blocking threads without blocking them. */
@Tag("blockhound") // in a JVM of its own: see this module's pom
class NonBlockingTest {

  @BeforeAll
  static void installBlockHound() {
    BlockHound.install();
  }

  @Test
  void callStreamAndCompositeStreamDoNotBlockAParallelSchedulerThread() {
    var answer = new LinkedHashMap<String, Object>();
    answer.put("reasoning", "Because.");
    answer.put("answer", "4");
    var lm = DummyLM.builder().when("2+2", answer).tokenSize(2).build();
    var cot = ChainOfThought.of("question -> answer").withLm(lm);
    Module composite = inputs -> cot.withSessionPath("answer").call(inputs);
    StepVerifier.create(
            Flux.range(0, 30)
                .parallel(4)
                .runOn(Schedulers.parallel())
                .flatMap(
                    i ->
                        switch (i % 3) {
                          case 0 -> cot.call(Map.of("question", "2+2")).map(p -> p.get("answer"));
                          case 1 ->
                              cot.stream(Map.of("question", "2+2"))
                                  .last()
                                  .map(e -> ((StreamEvent.Done) e).prediction().get("answer"));
                          default ->
                              composite.stream(Map.of("question", "2+2"))
                                  .last()
                                  .map(e -> ((StreamEvent.Done) e).prediction().get("answer"));
                        })
                .sequential())
        .expectNextCount(30)
        .expectComplete()
        .verify(Duration.ofSeconds(60));
  }
}
