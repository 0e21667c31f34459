package dev.dspy4j.examples.programs;

import dev.dspy4j.core.Dspy;
import dev.dspy4j.core.predict.ChainOfThought;
import dev.dspy4j.core.predict.Module;
import dev.dspy4j.core.predict.Predict;
import dev.dspy4j.core.predict.Prediction;
import dev.dspy4j.examples.Example;
import dev.dspy4j.examples.ExampleRuntime;
import dev.dspy4j.streaming.LM;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Mono;

/**
 * "Run a program optimized in Python": the Rag program below is the Java twin of a Python DSPy
 * program; {@code rag_optimized.json} is what Python DSPy's {@code program.save()} wrote after
 * {@code BootstrapFewShot} optimized it (bootstrapped demos with reasoning, plus raw ones). Loading
 * it gives the Java program the same demos and instructions, so it sends the prompts the optimized
 * Python program sends.
 */
public final class LoadProgram implements Example {

  /** The question the example asks. */
  public static final String QUESTION = "What is 3+3?";

  /** The file Python DSPy saved, on the classpath. */
  static final String RESOURCE = "/dev/dspy4j/examples/programs/rag_optimized.json";

  /**
   * The Python program, field for field:
   *
   * <pre>
   * class Rag(dspy.Module):
   *     def __init__(self):
   *         self.rewrite = dspy.Predict("question -> query")
   *         self.generate_answer = dspy.ChainOfThought("context: list[str], question -> answer")
   * </pre>
   */
  public static final class Rag implements Module {
    final Predict rewrite = Predict.of("question -> query");
    final ChainOfThought generateAnswer =
        ChainOfThought.of("context: list[str], question -> answer");

    @Override
    public Mono<Prediction> call(Map<String, ?> inputs) {
      Object question = inputs.get("question");
      return rewrite
          .call(Map.of("question", question))
          .flatMap(
              r ->
                  generateAnswer.call(
                      Map.of(
                          "context",
                          List.of("passage about " + r.get("query")),
                          "question",
                          question)));
    }
  }

  @Override
  public String name() {
    return "load-program";
  }

  @Override
  public String summary() {
    return "loads a program Python DSPy optimized and saved (rag_optimized.json) and runs it";
  }

  @Override
  public int run(ExampleRuntime runtime) throws IOException {
    LM lm = LM.builder(runtime.model()).apiKey(runtime.apiKey()).apiBase(runtime.apiBase()).build();
    Dspy.configure(lm);

    Rag rag = new Rag();
    Path file = Files.createTempFile("rag_optimized", ".json");
    try (InputStream in = LoadProgram.class.getResourceAsStream(RESOURCE)) {
      if (in == null) throw new IllegalStateException(RESOURCE + " is missing from the classpath");
      Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
      rag.load(file); // in your code: rag.load(Path.of("rag_optimized.json"))
    } finally {
      Files.deleteIfExists(file);
    }
    rag.namedPredictors()
        .forEach(
            (name, predictor) ->
                runtime
                    .out()
                    .println(
                        "Loaded "
                            + name
                            + ": "
                            + predictor.demos().size()
                            + " demos, instructions \""
                            + predictor.signature().instructions()
                            + "\""));

    Prediction p = rag.call(Map.of("question", QUESTION)).block();
    runtime.out().println("Answer: " + p.get("answer"));
    runtime.out().println("Reasoning: " + p.get("reasoning"));
    return 0;
  }
}
