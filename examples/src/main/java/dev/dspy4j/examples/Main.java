package dev.dspy4j.examples;

import java.io.PrintStream;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * {@code java -jar dspy4j-examples.jar [example]}: with no argument lists the examples, with a name
 * runs that example (exit code 2 for an unknown name).
 */
public final class Main {

  /** Exit code for a command line that names no known example. */
  public static final int USAGE = 2;

  private Main() {}

  /** Runs the example named by {@code args[0]}, or lists them, and exits with its code. */
  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err, ExampleConfig::load));
  }

  /** The testable body of {@link #main}: returns the exit code instead of exiting. */
  public static int run(
      String[] args, PrintStream out, PrintStream err, Supplier<ExampleConfig> config) {
    List<Example> examples = Examples.all();
    if (args.length == 0 || List.of("-h", "--help", "help", "list").contains(args[0])) {
      printList(examples, out);
      return 0;
    }
    Optional<Example> example = Examples.named(args[0]);
    if (example.isEmpty()) {
      err.println(
          "Unknown example '"
              + args[0]
              + "'. Known examples: "
              + examples.stream().map(Example::name).collect(Collectors.joining(", "))
              + ". Run without arguments to see what each one does.");
      return USAGE;
    }
    try (var runtime =
        ExampleRuntime.start(
            config.get(),
            out,
            example.get().callsLm(),
            example.get().localTokenDelay(),
            example.get().localGatewayPrintsRequests())) {
      return example.get().run(runtime, List.of(args).subList(1, args.length));
    } catch (Exception e) {
      err.println("Example '" + args[0] + "' failed: " + e);
      return 1;
    }
  }

  private static void printList(List<Example> examples, PrintStream out) {
    out.println("dspy4j examples: java -jar dspy4j-examples.jar <example>");
    out.println();
    int width = examples.stream().mapToInt(e -> e.name().length()).max().orElse(0);
    for (Example e : examples) {
      out.println("  " + e.name() + " ".repeat(width - e.name().length() + 2) + e.summary());
    }
    out.println();
    out.println(
        "Without HELICONE_API_KEY (environment or ./.env) they run against an embedded local");
    out.println(
        "gateway; with it, against "
            + ExampleConfig.DEFAULT_BASE_URL
            + " (HELICONE_BASE_URL overrides,");
    out.println("DSPY4J_MODEL picks the model, default " + ExampleConfig.DEFAULT_MODEL + ").");
  }
}
