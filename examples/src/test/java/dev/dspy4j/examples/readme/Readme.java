package dev.dspy4j.examples.readme;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * The repository's README.md as tests read it: sections, fenced code blocks, and compiling Java
 * from it.
 */
final class Readme {

  /** The README at the repository root (tests run in examples/). */
  static final Path FILE = Path.of("..", "README.md");

  private static final Pattern FENCE = Pattern.compile("(?ms)^```(\\w*)\\n(.*?)^```\\s*$");

  private Readme() {}

  static String text() throws IOException {
    return Files.readString(FILE, StandardCharsets.UTF_8);
  }

  /** The text of the {@code ## heading} section, up to the next {@code ## } heading. */
  static String section(String heading) throws IOException {
    String text = text();
    int start = text.indexOf("\n## " + heading + "\n");
    if (start < 0) {
      throw new AssertionError("README.md has no section '## " + heading + "'");
    }
    int end = text.indexOf("\n## ", start + 1);
    return text.substring(start + 1, end < 0 ? text.length() : end + 1);
  }

  /** The contents of the fenced blocks of {@code language} in {@code text}, exactly as printed. */
  static List<String> blocks(String text, String language) {
    var blocks = new ArrayList<String>();
    Matcher m = FENCE.matcher(text);
    while (m.find()) {
      if (m.group(1).equals(language)) {
        blocks.add(m.group(2));
      }
    }
    return blocks;
  }

  /** The test classpath: what the README's programs compile and run against. */
  static String classpath() {
    String surefire = System.getProperty("surefire.test.class.path");
    return surefire != null && !surefire.isBlank()
        ? surefire
        : System.getProperty("java.class.path");
  }

  /** The result of compiling sources: whether it succeeded and every diagnostic, one per line. */
  record Compiled(boolean success, String diagnostics) {}

  /**
   * Compiles {@code source} (a file named after its public class) into {@code classes}, with
   * -Xlint:all.
   */
  static Compiled compile(String className, String source, Path sources, Path classes)
      throws IOException {
    Files.createDirectories(classes);
    Files.createDirectories(sources);
    Path file = sources.resolve(className + ".java");
    Files.writeString(file, source, StandardCharsets.UTF_8);
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    var diagnostics = new DiagnosticCollector<JavaFileObject>();
    try (StandardJavaFileManager files =
        compiler.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8)) {
      boolean ok =
          compiler
              .getTask(
                  null,
                  files,
                  diagnostics,
                  List.of(
                      "-classpath",
                      classpath(),
                      "-d",
                      classes.toString(),
                      "-Xlint:all,-classfile,-path",
                      "-proc:none"),
                  null,
                  files.getJavaFileObjects(file.toFile()))
              .call();
      var text = new StringBuilder();
      for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
        text.append(d.getKind())
            .append(" line ")
            .append(d.getLineNumber())
            .append(": ")
            .append(d.getMessage(null))
            .append('\n');
      }
      return new Compiled(ok, text.toString());
    }
  }

  /** {@code classes} and the test classpath, for running a compiled program in a new JVM. */
  static String runClasspath(Path classes) {
    return classes + File.pathSeparator + classpath();
  }
}
