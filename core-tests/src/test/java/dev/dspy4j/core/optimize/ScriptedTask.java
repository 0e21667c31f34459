package dev.dspy4j.core.optimize;

import dev.dspy4j.core.predict.ChainOfThought;
import dev.dspy4j.core.predict.Example;
import dev.dspy4j.core.predict.Module;
import dev.dspy4j.core.predict.Predict;
import dev.dspy4j.core.predict.Prediction;
import dev.dspy4j.test.DummyLM;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import reactor.core.publisher.Mono;

/**
 * The scripted task of tools/dspy-goldens/gen_optimize.py, in Java: same programs, trainset and LM
 * script.
 */
final class ScriptedTask {

  static final int N = 12;
  static final Set<Integer> RIGHT = Set.of(1, 2, 4, 7, 8, 10);

  private ScriptedTask() {}

  /** DSPy's {@code QA}: one ChainOfThought named generate_answer. */
  static final class QA implements Module {
    final ChainOfThought generateAnswer = ChainOfThought.of("question -> answer");

    @Override
    public Mono<Prediction> call(Map<String, ?> inputs) {
      return generateAnswer.call(Map.of("question", inputs.get("question")));
    }
  }

  /** DSPy's {@code RewriteThenAnswer}: a Predict, then a ChainOfThought on its output. */
  static final class RewriteThenAnswer implements Module {
    final Predict rewrite = Predict.of("question -> query");
    final ChainOfThought answer = ChainOfThought.of("query -> answer");

    @Override
    public Mono<Prediction> call(Map<String, ?> inputs) {
      return rewrite
          .call(Map.of("question", inputs.get("question")))
          .flatMap(q -> answer.call(Map.of("query", q.get("query"))));
    }
  }

  static List<Example> trainset() {
    return IntStream.range(0, N)
        .mapToObj(
            i -> {
              var values = new LinkedHashMap<String, Object>();
              values.put("question", "<q" + i + ">");
              values.put("answer", "a" + i);
              return Example.of(values).withInputs("question");
            })
        .toList();
  }

  /**
   * The LM: right on {@link #RIGHT}, wrong elsewhere; keyed by the question or the rewritten query.
   */
  static DummyLM lm() {
    var b = DummyLM.builder();
    for (int i = 0; i <= N; i++) {
      var q = new LinkedHashMap<String, Object>();
      q.put("reasoning", "r" + i);
      q.put("answer", RIGHT.contains(i) ? "a" + i : "wrong");
      q.put("query", "<k" + i + ">");
      b.when("<q" + i + ">", q);
      var k = new LinkedHashMap<String, Object>();
      k.put("reasoning", "s" + i);
      k.put("answer", RIGHT.contains(i) ? "a" + i : "wrong");
      b.when("<k" + i + ">", k);
    }
    return b.build();
  }
}
