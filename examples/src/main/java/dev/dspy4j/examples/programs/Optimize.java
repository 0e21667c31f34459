package dev.dspy4j.examples.programs;

import dev.dspy4j.core.Dspy;
import dev.dspy4j.core.evaluate.Evaluate;
import dev.dspy4j.core.evaluate.EvaluationResult;
import dev.dspy4j.core.evaluate.Metric;
import dev.dspy4j.core.evaluate.Metrics;
import dev.dspy4j.core.optimize.BootstrapFewShot;
import dev.dspy4j.core.predict.ChainOfThought;
import dev.dspy4j.core.predict.Module;
import dev.dspy4j.core.predict.Prediction;
import dev.dspy4j.examples.Example;
import dev.dspy4j.examples.ExampleRuntime;
import dev.dspy4j.streaming.LM;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Mono;

/**
 * Evaluate a small program, compile it with BootstrapFewShot, evaluate again, save the compiled
 * program in DSPy's JSON (loadable by Python DSPy with {@code program.load(path)}).
 */
public final class Optimize implements Example {

  /** The program: one ChainOfThought, named generate_answer as DSPy names the field. */
  public static final class QA implements Module {
    final ChainOfThought generateAnswer = ChainOfThought.of("question -> answer");

    @Override
    public Mono<Prediction> call(Map<String, ?> inputs) {
      return generateAnswer.call(Map.of("question", inputs.get("question")));
    }
  }

  /** Questions whose short answers a model knows; some answers are words of the question itself. */
  private static final String[][] DATA = {
    {"Which is larger, 7 or 12?", "12"},
    {"What is the capital of France?", "Paris"},
    {"Which planet is known as the Red Planet?", "Mars"},
    {"Is the word 'banana' a fruit or a vegetable?", "fruit"},
    {"How many legs does a spider have?", "8"},
    {"Which color do you get by mixing blue and yellow, green or purple?", "green"},
    {"Who wrote 'Romeo and Juliet'?", "Shakespeare"},
    {"Which is colder, ice or steam?", "ice"},
    {"What is 3 + 4?", "7"},
    {"Which ocean is the largest, the Atlantic or the Pacific?", "Pacific"},
  };

  @Override
  public String name() {
    return "optimize";
  }

  @Override
  public String summary() {
    return "Evaluate a program, compile it with BootstrapFewShot, evaluate again, save DSPy's JSON";
  }

  @Override
  public int run(ExampleRuntime runtime) {
    LM lm = LM.builder(runtime.model()).apiKey(runtime.apiKey()).apiBase(runtime.apiBase()).build();
    Dspy.configure(lm);

    List<dev.dspy4j.core.predict.Example> trainset = examples(0, 6);
    List<dev.dspy4j.core.predict.Example> devset = examples(6, DATA.length);
    // The answer passes when it mentions the gold answer (a model's answer is a sentence).
    Metric mentions =
        Metric.passFail(
            "mentions_answer",
            (gold, pred) ->
                Metrics.normalizeText(pred.get("answer"))
                    .contains(Metrics.normalizeText((String) gold.values().get("answer"))));

    EvaluationResult before =
        Evaluate.of(devset, mentions).withConcurrency(4).run(new QA()).block();
    runtime.out().printf("Before: %.2f%% on %d dev examples%n", before.score(), devset.size());

    QA compiled =
        BootstrapFewShot.builder(mentions)
            .maxBootstrappedDemos(2)
            .maxLabeledDemos(4)
            .concurrency(4)
            .build()
            .compile(QA::new, trainset)
            .block();
    long augmented =
        compiled.generateAnswer.predict().demos().stream()
            .filter(d -> Boolean.TRUE.equals(d.values().get("augmented")))
            .count();
    runtime
        .out()
        .printf(
            "Compiled: %d demos (%d bootstrapped from passing runs)%n",
            compiled.generateAnswer.predict().demos().size(), augmented);

    EvaluationResult after = Evaluate.of(devset, mentions).withConcurrency(4).run(compiled).block();
    runtime.out().printf("After: %.2f%% on %d dev examples%n", after.score(), devset.size());
    if (runtime.localGateway().isPresent()) {
      runtime
          .out()
          .println(
              "(The local gateway answers without a model, so demos cannot change its answers;"
                  + " with HELICONE_API_KEY set the scores are a real model's.)");
    }

    Path file = outputFile();
    compiled.save(file);
    runtime
        .out()
        .println(
            "Saved the compiled program to "
                + file
                + " (load it in Python with program.load(path))");
    return 0;
  }

  private static List<dev.dspy4j.core.predict.Example> examples(int from, int to) {
    var out = new java.util.ArrayList<dev.dspy4j.core.predict.Example>();
    for (int i = from; i < to; i++) {
      var values = new LinkedHashMap<String, Object>();
      values.put("question", DATA[i][0]);
      values.put("answer", DATA[i][1]);
      out.add(dev.dspy4j.core.predict.Example.of(values).withInputs("question"));
    }
    return out;
  }

  private static Path outputFile() {
    try {
      Path dir =
          Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"), "dspy4j-optimize"));
      return dir.resolve("qa-compiled.json");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
