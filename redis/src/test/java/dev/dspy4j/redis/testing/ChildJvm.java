package dev.dspy4j.redis.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A separate JVM running {@link ChildMain} on this test's class path. */
public final class ChildJvm implements AutoCloseable {

  private final Process process;
  private final BufferedReader out;
  private final Writer in;

  private ChildJvm(Process process) {
    this.process = process;
    this.out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
  }

  /**
   * Starts the child; its stderr (its log) goes to {@code log}. Returns once it printed {@code
   * ready}.
   */
  public static ChildJvm start(Path log, String... args) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classPath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    var command =
        new ArrayList<>(
            List.of(
                java,
                "-Xmx256m",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                classPath,
                ChildMain.class.getName()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectError(log.toFile()).start();
    var child = new ChildJvm(p);
    String first = child.out.readLine();
    if (!"ready".equals(first)) {
      p.destroyForcibly();
      throw new IllegalStateException(
          "the child JVM did not get ready (said " + first + "); see " + log);
    }
    return child;
  }

  /** Tells the child to make its calls. */
  public void go() throws IOException {
    in.write("go\n");
    in.flush();
  }

  /**
   * The child's {@code result} lines, read until {@code done}; then waits for it to exit with 0.
   */
  public List<String> results() throws Exception {
    var results = new ArrayList<String>();
    String line;
    while ((line = out.readLine()) != null && !line.equals("done")) {
      if (line.startsWith("result ")) results.add(line.substring("result ".length()));
    }
    if (!process.waitFor(60, TimeUnit.SECONDS))
      throw new IllegalStateException("the child JVM did not exit");
    if (process.exitValue() != 0)
      throw new IllegalStateException("the child JVM exited with " + process.exitValue());
    return results;
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
