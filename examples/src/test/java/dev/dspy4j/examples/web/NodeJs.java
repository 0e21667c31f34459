package dev.dspy4j.examples.web;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Node.js and the test's npm project ({@code examples/src/test/node}: the {@code ai} package pinned
 * by its lock file, installed by {@code npm ci}). Without them a test is skipped on a developer
 * machine and fails in CI ({@code CI=true}), where {@code .ci/run} must have installed them.
 */
final class NodeJs {

  /** The npm project holding the client scripts and node_modules. */
  static final Path PROJECT = Path.of("src", "test", "node").toAbsolutePath();

  private NodeJs() {}

  /** The node executable, after checking that the project's dependencies are installed. */
  static Path requireInstalled() {
    Path node = onPath("node");
    String problem = null;
    if (node == null) {
      problem = "node is not on the PATH (apt-get install -y nodejs; .ci/run does this)";
    } else if (!Files.isRegularFile(PROJECT.resolve("node_modules/ai/package.json"))) {
      problem =
          "the AI SDK is not installed in " + PROJECT + " (run `npm ci` there; .ci/run does this)";
    }
    if (problem == null) {
      return node;
    }
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new IllegalStateException("CI=true but " + problem);
    }
    Assumptions.abort(problem);
    throw new AssertionError("unreachable");
  }

  /** The outcome of a script run. */
  record Run(int exitCode, String stdout, String stderr) {}

  /** Runs {@code script} of the project with these arguments, failing after {@code timeout}. */
  static Run run(String script, Duration timeout, String... args)
      throws IOException, InterruptedException {
    var command = new ArrayList<String>(List.of(requireInstalled().toString(), script));
    command.addAll(List.of(args));
    Path out = Files.createTempFile("node-out", ".txt");
    Path err = Files.createTempFile("node-err", ".txt");
    try {
      Process process =
          new ProcessBuilder(command)
              .directory(PROJECT.toFile())
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .start();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(
            "node "
                + script
                + " did not finish within "
                + timeout
                + ": "
                + Files.readString(err, StandardCharsets.UTF_8));
      }
      return new Run(
          process.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  private static Path onPath(String name) {
    String path = System.getenv("PATH");
    if (path == null) return null;
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir, name);
      if (Files.isExecutable(candidate)) return candidate;
    }
    return null;
  }

  /**
   * A browser bundle (ES module) of the AI SDK functions the chat page uses, built from the locked
   * {@code ai} package with the locked esbuild ({@code npm run bundle} does the same).
   */
  static Path aiSdkBrowserBundle() throws IOException, InterruptedException {
    Path bundle = Path.of("target", "ai-sdk", "ai.js").toAbsolutePath();
    Run run = run("bundle.mjs", Duration.ofSeconds(120), bundle.toString());
    if (run.exitCode() != 0 || !Files.isRegularFile(bundle)) {
      throw new IllegalStateException("bundling the AI SDK failed: " + run.stderr());
    }
    return bundle;
  }
}
