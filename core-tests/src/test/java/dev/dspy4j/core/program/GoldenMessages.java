package dev.dspy4j.core.program;

import dev.dspy4j.core.Dspy;
import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.core.predict.Module;
import dev.dspy4j.test.DummyLM;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a program for one call of a program golden ({@link Goldens}, in core's tests) as DSPy did:
 * with a DummyLM scripted with the golden's answers.
 */
final class GoldenMessages {

  private GoldenMessages() {}

  /** The messages of every LM call the program makes for this call, as role/content maps. */
  static List<List<Map<String, String>>> messages(Module program, Goldens.Call call) {
    DummyLM lm = DummyLM.of(call.answers());
    Module target = program;
    var inputs = new LinkedHashMap<String, Object>(call.inputs());
    Object predictor = inputs.remove("predictor"); // a call of one named predictor
    if (predictor != null) target = program.namedPredictors().get((String) predictor);
    target.call(inputs).contextWrite(Dspy.withLm(lm)).block(Duration.ofSeconds(10));
    var out = new ArrayList<List<Map<String, String>>>();
    for (LmRequest r : lm.requests()) {
      var messages = new ArrayList<Map<String, String>>();
      r.messages()
          .forEach(
              m -> {
                var entry = new LinkedHashMap<String, String>();
                entry.put("role", m.role());
                entry.put("content", m.content());
                messages.add(entry);
              });
      out.add(messages);
    }
    return out;
  }
}
