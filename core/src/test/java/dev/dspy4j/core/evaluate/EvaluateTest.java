package dev.dspy4j.core.evaluate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.core.batch.BatchFailedException;
import dev.dspy4j.core.predict.Example;
import dev.dspy4j.core.predict.Module;
import dev.dspy4j.core.predict.Prediction;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

class EvaluateTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  /** Examples q0..q(n-1) whose gold answer is "a{i}". */
  private static List<Example> devset(int n) {
    return IntStream.range(0, n)
        .mapToObj(
            i -> Example.of(Map.of("question", "q" + i, "answer", "a" + i)).withInputs("question"))
        .toList();
  }

  /** A program that answers correctly exactly for the question numbers in {@code right}. */
  private static Module answering(List<Integer> right) {
    return inputs -> {
      int i = Integer.parseInt(((String) inputs.get("question")).substring(1));
      return Mono.just(
          Prediction.of(Map.of("answer", right.contains(i) ? "A" + i + "." : "wrong")));
    };
  }

  @Test
  void theScoreIsThePercentageOfCorrectAnswersRoundedAsDspyRoundsIt() {
    EvaluationResult r =
        Evaluate.of(devset(7), Metrics.answerExactMatch())
            .run(answering(List.of(0, 2, 3, 6)))
            .block(WAIT);

    assertThat(r.score()).isEqualTo(57.14); // round(100 * 4 / 7, 2)
    assertThat(r.total()).isEqualTo(4.0);
    assertThat(r.rows())
        .extracting(EvaluationResult.Row::score)
        .containsExactly(1.0, 0.0, 1.0, 1.0, 0.0, 0.0, 1.0);
    assertThat(r.rows())
        .extracting(row -> row.example().values().get("question"))
        .containsExactly("q0", "q1", "q2", "q3", "q4", "q5", "q6");
    assertThat(r.failures()).isEmpty();
  }

  @Test
  void theProgramReceivesOnlyTheExampleInputs() {
    var seen = new java.util.concurrent.ConcurrentLinkedQueue<Map<String, ?>>();
    Module program =
        inputs -> {
          seen.add(Map.copyOf(inputs));
          return Mono.just(Prediction.of(Map.of("answer", "x")));
        };
    Evaluate.of(devset(3), Metrics.answerExactMatch()).run(program).block(WAIT);
    assertThat(seen).allSatisfy(in -> assertThat(in.keySet()).containsExactly("question"));
  }

  @Test
  void aFailedCallScoresTheFailureScoreAndIsReported() {
    Module program =
        inputs ->
            "q2".equals(inputs.get("question"))
                ? Mono.error(new IllegalStateException("the LM is down"))
                : Mono.just(
                    Prediction.of(
                        Map.of("answer", "a" + ((String) inputs.get("question")).substring(1))));

    EvaluationResult r =
        Evaluate.of(devset(4), Metrics.answerExactMatch())
            .withFailureScore(0.5)
            .run(program)
            .block(WAIT);

    assertThat(r.total()).isEqualTo(3.5);
    assertThat(r.score()).isEqualTo(87.5);
    assertThat(r.failures())
        .singleElement()
        .satisfies(
            row -> {
              assertThat(row.example().values()).containsEntry("question", "q2");
              assertThat(row.score()).isEqualTo(0.5);
              assertThat(row.error())
                  .get()
                  .extracting(Throwable::getMessage)
                  .isEqualTo("the LM is down");
              assertThat(row.prediction().fields()).isEmpty();
            });
  }

  @Test
  void aMetricErrorCountsAsAFailureToo() {
    Metric broken =
        Metric.of(
            "broken",
            (gold, pred) -> {
              throw new IllegalArgumentException("bad gold");
            });
    EvaluationResult r = Evaluate.of(devset(2), broken).run(answering(List.of(0, 1))).block(WAIT);
    assertThat(r.failures()).hasSize(2);
    assertThat(r.score()).isZero();
  }

  @Test
  void theRunStopsWithAnErrorOnceMaxErrorsExamplesFailed() {
    var started = new AtomicInteger();
    Module failing =
        inputs -> {
          started.incrementAndGet();
          return Mono.error(new IllegalStateException("boom"));
        };
    assertThatThrownBy(
            () ->
                Evaluate.of(devset(50), Metrics.answerExactMatch())
                    .withConcurrency(1)
                    .withMaxErrors(3)
                    .run(failing)
                    .block(WAIT))
        .isInstanceOf(BatchFailedException.class);
    assertThat(started.get()).isEqualTo(3);
  }

  @Test
  void cancellingStopsEveryCallInFlightAndStartsNoMore() throws Exception {
    var started = new AtomicInteger();
    var cancelled = new AtomicInteger();
    Module hanging =
        inputs ->
            Mono.<Prediction>never()
                .doOnSubscribe(s -> started.incrementAndGet())
                .doOnCancel(cancelled::incrementAndGet);

    Disposable run =
        Evaluate.of(devset(100), Metrics.answerExactMatch())
            .withConcurrency(8)
            .run(hanging)
            .subscribe();
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (started.get() < 8 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    run.dispose();

    assertThat(started.get()).isEqualTo(8);
    assertThat(cancelled.get()).isEqualTo(8);
    Thread.sleep(100);
    assertThat(started.get()).as("no call started after cancel").isEqualTo(8);
  }

  @Test
  void examplesWithoutMarkedInputsAreRejectedBeforeAnyCall() {
    assertThatThrownBy(
            () ->
                Evaluate.of(
                    List.of(Example.of(Map.of("question", "q"))), Metrics.answerExactMatch()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("withInputs");
    assertThatThrownBy(() -> Evaluate.of(List.of(), Metrics.answerExactMatch()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void csvAndJsonHoldDspysMergedRowsWithTheMetricColumn(@TempDir Path dir) throws Exception {
    Path csv = dir.resolve("results.csv");
    Path json = dir.resolve("results.json");
    var fields = new java.util.LinkedHashMap<String, Object>();
    fields.put("reasoning", "said \"so\"");
    fields.put("answer", "a, b");
    Module program = inputs -> Mono.just(Prediction.of(fields));
    var values = new java.util.LinkedHashMap<String, Object>();
    values.put("question", "q0");
    values.put("answer", "a, b");
    List<Example> devset = List.of(Example.of(values).withInputs("question"));

    Evaluate.of(devset, Metrics.answerExactMatch())
        .saveAsCsv(csv)
        .saveAsJson(json)
        .run(program)
        .block(WAIT);

    assertThat(Files.readString(csv))
        .isEqualTo(
            "question,example_answer,reasoning,pred_answer,answer_exact_match\r\n"
                + "q0,\"a, b\",\"said \"\"so\"\"\",\"a, b\",1.0\r\n");
    JsonNode rows = new ObjectMapper().readTree(json.toFile());
    assertThat(rows.size()).isEqualTo(1);
    assertThat(rows.get(0).get("example_answer").asText()).isEqualTo("a, b");
    assertThat(rows.get(0).get("pred_answer").asText()).isEqualTo("a, b");
    assertThat(rows.get(0).get("answer_exact_match").asDouble()).isEqualTo(1.0);
  }

  @Test
  void theTableCutsLongCellsTo25WordsAndShowsTheMetricAsDspyDoes() {
    var out = new ByteArrayOutputStream();
    String longAnswer = String.join(" ", IntStream.range(0, 30).mapToObj(i -> "w" + i).toList());
    Module program = inputs -> Mono.just(Prediction.of(Map.of("answer", longAnswer)));

    Evaluate.of(devset(3), Metrics.answerExactMatch())
        .displayTable(new PrintStream(out, true, StandardCharsets.UTF_8), 2)
        .run(program)
        .block(WAIT);

    String table = out.toString(StandardCharsets.UTF_8);
    assertThat(table)
        .contains("w24...")
        .doesNotContain("w25")
        .contains("✔️ [0.000]")
        .contains("... 1 more rows not displayed ...");
  }

  @Test
  void theProgressLineShowsTheBarAndTheCount() {
    var out = new ByteArrayOutputStream();
    Evaluate.of(devset(5), Metrics.answerExactMatch())
        .withProgress(new PrintStream(out, true, StandardCharsets.UTF_8))
        .run(answering(List.of(1)))
        .block(WAIT);
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("[##############################] 5/5");
  }

  @Test
  void roundingIsPythonsRoundOfTheBinaryValue() {
    assertThat(Evaluate.round(2.675, 2)).isEqualTo(2.67); // 2.675 is 2.67499999... in binary
    assertThat(Evaluate.round(0.125, 2)).isEqualTo(0.12); // exact half: to even
    assertThat(Evaluate.round(100.0 * 2 / 3, 2)).isEqualTo(66.67);
  }
}
