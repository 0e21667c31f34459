package dev.dspy4j.core.optimize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.core.Dspy;
import dev.dspy4j.core.evaluate.Metric;
import dev.dspy4j.core.evaluate.Metrics;
import dev.dspy4j.core.lm.LanguageModel;
import dev.dspy4j.core.lm.LmChunk;
import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.core.lm.LmResponse;
import dev.dspy4j.core.lm.Message;
import dev.dspy4j.core.predict.Example;
import dev.dspy4j.core.predict.Predict;
import dev.dspy4j.test.DummyLM;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

class OptimizerBehaviourTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Pattern QUESTION = Pattern.compile("<q(\\d+)>");

  @TempDir Path dir;

  /**
   * An LM that answers question {@code <qN>} correctly only when the prompt's earlier messages (the
   * demos) contain {@code <q5>}, and records every request.
   */
  private static class DemoSensitiveLm implements LanguageModel {
    final ConcurrentLinkedQueue<LmRequest> requests = new ConcurrentLinkedQueue<>();

    @Override
    public String model() {
      return "demo-sensitive";
    }

    @Override
    public Mono<LmResponse> complete(LmRequest request) {
      return Mono.fromSupplier(
          () -> {
            requests.add(request);
            List<Message> m = request.messages();
            String last = m.get(m.size() - 1).content();
            Matcher q = QUESTION.matcher(last);
            int n = q.find() ? Integer.parseInt(q.group(1)) : -1;
            boolean helped =
                m.subList(0, m.size() - 1).stream().anyMatch(x -> x.content().contains("<q5>"));
            var answer = new LinkedHashMap<String, Object>();
            answer.put("reasoning", "thinking about " + n);
            answer.put("answer", helped ? "a" + n : "wrong");
            return LmResponse.of(DummyLM.chatFormat(answer));
          });
    }

    @Override
    public Flux<LmChunk> stream(LmRequest request) {
      return complete(request).map(r -> LmChunk.ofText(r.text())).flux();
    }
  }

  private static List<Example> examples(int from, int to) {
    return IntStream.range(from, to)
        .mapToObj(
            i -> {
              var v = new LinkedHashMap<String, Object>();
              v.put("question", "<q" + i + ">");
              v.put("answer", "a" + i);
              return Example.of(v).withInputs("question");
            })
        .toList();
  }

  private static boolean hasDemo(ScriptedTask.QA program, String question) {
    return program.generateAnswer.predict().demos().stream()
        .anyMatch(d -> question.equals(d.values().get("question")));
  }

  @Test
  void randomSearchKeepsTheFirstCandidateWithTheBestValidationScore() {
    var lm = new DemoSensitiveLm();
    var search =
        BootstrapFewShotWithRandomSearch.builder(Metrics.answerExactMatch())
            .maxBootstrappedDemos(2)
            .maxLabeledDemos(3)
            .numCandidatePrograms(6)
            .valset(examples(20, 26))
            .build();

    List<BootstrapFewShotWithRandomSearch.Candidate<ScriptedTask.QA>> candidates =
        search
            .search(ScriptedTask.QA::new, examples(0, 12))
            .contextWrite(Dspy.withLm(lm))
            .block(WAIT);

    assertThat(candidates).hasSize(9); // seeds -3, -2, -1, 0..5
    // The LM is right exactly when a demo is <q5>: each candidate's score follows from its demos.
    for (var c : candidates) {
      assertThat(c.score())
          .as("seed %d", c.seed())
          .isEqualTo(hasDemo(c.program(), "<q5>") ? 100.0 : 0.0);
    }
    assertThat(candidates).anySatisfy(c -> assertThat(c.score()).isEqualTo(100.0));
    assertThat(candidates).anySatisfy(c -> assertThat(c.score()).isEqualTo(0.0));
    var best = candidates.get(0);
    int firstBestSeed =
        candidates.stream()
            .filter(c -> c.score() == 100.0)
            .mapToInt(BootstrapFewShotWithRandomSearch.Candidate::seed)
            .min()
            .orElseThrow();
    assertThat(best.seed()).isEqualTo(firstBestSeed);

    ScriptedTask.QA compiled =
        search
            .compile(ScriptedTask.QA::new, examples(0, 12))
            .contextWrite(Dspy.withLm(new DemoSensitiveLm()))
            .block(WAIT);
    assertThat(hasDemo(compiled, "<q5>")).isTrue();
  }

  @Test
  void stopAtScoreEndsTheSearchAtTheFirstGoodCandidate() {
    var search =
        BootstrapFewShotWithRandomSearch.builder(Metrics.answerExactMatch())
            .maxBootstrappedDemos(2)
            .maxLabeledDemos(3)
            .numCandidatePrograms(6)
            .valset(examples(20, 23))
            .stopAtScore(100)
            .build();
    var candidates =
        search
            .search(ScriptedTask.QA::new, examples(0, 12))
            .contextWrite(Dspy.withLm(new DemoSensitiveLm()))
            .block(WAIT);
    assertThat(candidates.get(0).score()).isEqualTo(100.0);
    assertThat(candidates.stream().filter(c -> c.score() == 100.0)).hasSize(1);
  }

  @Test
  void theSameInputsCompileTheSameProgram() throws Exception {
    var optimizer =
        BootstrapFewShot.builder(Metrics.answerExactMatch())
            .maxBootstrappedDemos(3)
            .maxLabeledDemos(6)
            .concurrency(4)
            .build();
    Path a = dir.resolve("a.json");
    Path b = dir.resolve("b.json");
    optimizer
        .compile(ScriptedTask.RewriteThenAnswer::new, ScriptedTask.trainset())
        .contextWrite(Dspy.withLm(ScriptedTask.lm()))
        .block(WAIT)
        .save(a);
    optimizer
        .compile(ScriptedTask.RewriteThenAnswer::new, ScriptedTask.trainset())
        .contextWrite(Dspy.withLm(ScriptedTask.lm()))
        .block(WAIT)
        .save(b);
    var json = new ObjectMapper();
    assertThat(json.readTree(a.toFile()).get("rewrite"))
        .isEqualTo(json.readTree(b.toFile()).get("rewrite"));
    assertThat(Files.readString(a)).isEqualTo(Files.readString(b));
  }

  @Test
  void demosAreOnlyThoseThatPassedCappedAsConfigured() {
    var compiled =
        BootstrapFewShot.builder(Metrics.answerExactMatch())
            .maxBootstrappedDemos(2)
            .maxLabeledDemos(2)
            .build()
            .compile(ScriptedTask.QA::new, ScriptedTask.trainset())
            .contextWrite(Dspy.withLm(ScriptedTask.lm()))
            .block(WAIT);
    List<Example> demos = compiled.generateAnswer.predict().demos();
    assertThat(demos)
        .hasSize(2)
        .allSatisfy(
            d -> {
              assertThat(d.values()).containsEntry("augmented", true);
              int n =
                  Integer.parseInt(
                      ((String) d.values().get("question"))
                          .substring(2, ((String) d.values().get("question")).length() - 1));
              assertThat(ScriptedTask.RIGHT).contains(n);
              assertThat(d.values())
                  .containsEntry("answer", "a" + n)
                  .containsEntry("reasoning", "r" + n);
            });
  }

  @Test
  void laterRoundsUseARolloutIdAndTemperatureOne() {
    var lm = new DemoSensitiveLm();
    BootstrapFewShot.builder(Metrics.answerExactMatch())
        .maxBootstrappedDemos(1)
        .maxLabeledDemos(0)
        .maxRounds(3)
        .build()
        .compile(ScriptedTask.QA::new, examples(0, 2))
        .contextWrite(Dspy.withLm(lm))
        .block(WAIT);
    // No demos at all, so the LM is never right: every example takes all three rounds.
    assertThat(lm.requests).hasSize(6);
    assertThat(lm.requests)
        .extracting(r -> r.rolloutId().orElse("none"))
        .containsExactly("none", "1", "2", "none", "1", "2");
    assertThat(lm.requests)
        .filteredOn(r -> r.rolloutId().isPresent())
        .allSatisfy(r -> assertThat(r.temperature()).hasValue(1.0));
  }

  @Test
  void aMetricThresholdDecidesWhatPasses() {
    Metric half = Metric.of("half", (gold, pred) -> 0.5);
    var strict =
        BootstrapFewShot.builder(half)
            .maxBootstrappedDemos(2)
            .maxLabeledDemos(0)
            .metricThreshold(0.6)
            .build()
            .compile(ScriptedTask.QA::new, ScriptedTask.trainset())
            .contextWrite(Dspy.withLm(ScriptedTask.lm()))
            .block(WAIT);
    var lenient =
        BootstrapFewShot.builder(half)
            .maxBootstrappedDemos(2)
            .maxLabeledDemos(0)
            .metricThreshold(0.5)
            .build()
            .compile(ScriptedTask.QA::new, ScriptedTask.trainset())
            .contextWrite(Dspy.withLm(ScriptedTask.lm()))
            .block(WAIT);
    assertThat(strict.generateAnswer.predict().demos()).isEmpty();
    assertThat(lenient.generateAnswer.predict().demos()).hasSize(2);
  }

  @Test
  void tooManyFailedTeacherRunsEndTheCompileWithTheError() {
    var calls = new AtomicInteger();
    LanguageModel failing =
        new DemoSensitiveLm() {
          @Override
          public Mono<LmResponse> complete(LmRequest request) {
            calls.incrementAndGet();
            return Mono.error(new IllegalStateException("LM down"));
          }
        };
    assertThatThrownBy(
            () ->
                BootstrapFewShot.builder(Metrics.answerExactMatch())
                    .maxErrors(3)
                    .build()
                    .compile(ScriptedTask.QA::new, ScriptedTask.trainset())
                    .contextWrite(Dspy.withLm(failing))
                    .block(WAIT))
        .hasMessageContaining("LM down");
    assertThat(calls.get()).isEqualTo(3);
  }

  @Test
  void cancellingTheCompileCancelsTheTeacherCalls() {
    var started = new AtomicInteger();
    var cancelled = new AtomicInteger();
    LanguageModel hanging =
        new DemoSensitiveLm() {
          @Override
          public Mono<LmResponse> complete(LmRequest request) {
            return Mono.<LmResponse>never()
                .doOnSubscribe(s -> started.incrementAndGet())
                .doOnCancel(cancelled::incrementAndGet);
          }
        };
    Disposable compile =
        BootstrapFewShot.builder(Metrics.answerExactMatch())
            .concurrency(4)
            .build()
            .compile(ScriptedTask.QA::new, ScriptedTask.trainset())
            .contextWrite(Dspy.withLm(hanging))
            .subscribe();
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (started.get() < 4 && System.nanoTime() < deadline) Thread.onSpinWait();
    compile.dispose();
    assertThat(started.get()).isEqualTo(4);
    assertThat(cancelled.get()).isEqualTo(4);
  }

  @Test
  void studentAndTeacherMustHaveTheSameStructure() {
    assertThatThrownBy(
            () ->
                BootstrapFewShot.builder(Metrics.answerExactMatch())
                    .teacher(ScriptedTask.RewriteThenAnswer::new)
                    .build()
                    .compile(ScriptedTask.QA::new, ScriptedTask.trainset())
                    .block(WAIT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("same program structure");
  }

  @Test
  void theProgressLineCountsExamplesAndTraces() {
    var out = new java.io.ByteArrayOutputStream();
    BootstrapFewShot.builder(Metrics.answerExactMatch())
        .maxBootstrappedDemos(3)
        .maxLabeledDemos(0)
        .progress(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8))
        .build()
        .compile(ScriptedTask.QA::new, ScriptedTask.trainset())
        .contextWrite(Dspy.withLm(ScriptedTask.lm()))
        .block(WAIT);
    // Right on 1, 2 and 4: the third trace is found at the fifth example, and the line ends there.
    assertThat(out.toString(java.nio.charset.StandardCharsets.UTF_8))
        .endsWith("\rBootstrapping: 5/12 examples run, 3/3 full traces\n");
  }

  @Test
  void aBarePredictIsCompiledToo() {
    Predict compiled =
        LabeledFewShot.of(3)
            .compile(() -> Predict.of("question -> answer"), ScriptedTask.trainset())
            .block(WAIT);
    assertThat(compiled.demos()).hasSize(3);
  }
}
