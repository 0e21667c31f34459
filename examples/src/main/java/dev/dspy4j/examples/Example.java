package dev.dspy4j.examples;

import java.time.Duration;
import java.util.List;

/** One runnable example: {@code java -jar dspy4j-examples.jar <name>}. */
public interface Example {

  /** The name on the command line, e.g. {@code basic-cot}. */
  String name();

  /** One line for the example list. */
  String summary();

  /**
   * Runs the example and returns the process exit code (0 for success). Output goes to {@code
   * runtime.out()}.
   */
  int run(ExampleRuntime runtime) throws Exception;

  /**
   * Runs the example with the command-line arguments after its name ({@code java -jar
   * dspy4j-examples.jar gateway --port 8080} gives {@code [--port, 8080]}). By default an example
   * takes none: extra arguments are an error that names them.
   */
  default int run(ExampleRuntime runtime, List<String> args) throws Exception {
    if (!args.isEmpty()) {
      runtime
          .out()
          .println("'" + name() + "' takes no arguments (got " + String.join(" ", args) + ")");
      return Main.USAGE;
    }
    return run(runtime);
  }

  /**
   * True when the example calls an LM, so that without an API key {@link Main} starts the embedded
   * local gateway for it.
   */
  default boolean callsLm() {
    return true;
  }

  /**
   * The time per generated token when the example runs against the embedded local gateway (between
   * streamed chunks; a non-streamed answer waits for all its tokens): zero by default; streaming
   * and batch demos slow it down so that what they show can be seen.
   */
  default Duration localTokenDelay() {
    return Duration.ZERO;
  }

  /**
   * Whether the embedded local gateway prints one line per request it receives (default true: that
   * line shows the Helicone headers that reached the gateway). An example whose own output would be
   * broken up by those lines, such as a progress bar, turns them off.
   */
  default boolean localGatewayPrintsRequests() {
    return true;
  }
}
