package dev.dspy4j.core.optimize;

import dev.dspy4j.core.predict.Example;
import dev.dspy4j.core.predict.Module;
import java.util.List;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;

/**
 * A DSPy optimizer (teleprompter): compiles a program into a better one by changing its predictors'
 * learned state (demos, instructions), as found by {@link Module#namedPredictors()}.
 *
 * <p>The program is given as a factory ({@code Rag::new}) because an optimizer needs fresh copies
 * of it (DSPy's {@code reset_copy()} and {@code deepcopy()}): the student it returns, and teachers.
 */
public interface Optimizer {

  /**
   * Compiles a fresh program from {@code program} with {@code trainset}. The Mono emits the
   * compiled program and completes, or errors (for example when too many teacher runs failed);
   * cancelling cancels every LM call in flight. The trainset's examples must have their inputs
   * marked ({@link Example#withInputs}).
   */
  <P extends Module> Mono<P> compile(Supplier<? extends P> program, List<Example> trainset);
}
