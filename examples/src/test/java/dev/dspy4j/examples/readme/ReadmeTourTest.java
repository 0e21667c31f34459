package dev.dspy4j.examples.readme;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.test.LocalGateway;
import dev.dspy4j.test.RecordedRequest;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's tour is a complete program: taken from README.md exactly as printed, compiled, and
 * run in a JVM of its own against dspy4j-test's local gateway, configured only through the
 * environment (HELICONE_BASE_URL), as the README says.
 */
class ReadmeTourTest {

  private static final String ANSWER = "A deterministic answer from the local gateway to ";

  @Test
  void theTourCompilesAndRunsAsPrintedAgainstTheLocalGateway(@TempDir Path dir) throws Exception {
    List<String> programs =
        Readme.blocks(Readme.section("A tour"), "java").stream()
            .filter(b -> b.contains("public static void main("))
            .toList();
    assertThat(programs).as("the tour's complete program").hasSize(1);
    String source = programs.get(0);
    Matcher name = Pattern.compile("public class (\\w+)").matcher(source);
    assertThat(name.find()).isTrue();
    assertThat(source)
        .doesNotContainPattern("(?m)^import [\\w.]+\\.\\*;")
        .doesNotContain("subscribe(");

    Readme.Compiled compiled =
        Readme.compile(name.group(1), source, dir.resolve("src"), dir.resolve("classes"));
    assertThat(compiled.success()).as(compiled.diagnostics()).isTrue();
    assertThat(compiled.diagnostics()).as("javac -Xlint:all has nothing to say").isEmpty();

    try (LocalGateway gateway =
        LocalGateway.builder().log(new PrintStream(PrintStream.nullOutputStream())).start()) {
      var builder =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-cp",
                  Readme.runClasspath(dir.resolve("classes")),
                  name.group(1))
              .directory(dir.toFile())
              .redirectErrorStream(true);
      Map<String, String> env = builder.environment();
      List.of("HELICONE_API_KEY", "DSPY4J_MODEL", "DSPY4J_CACHEDIR").forEach(env::remove);
      env.put("HELICONE_BASE_URL", gateway.baseUrl());
      Process process = builder.start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("the program ended by itself").isTrue();

      assertThat(process.exitValue()).as(output).isZero();
      assertThat(output)
          .contains(
              "Answer: "
                  + ANSWER
                  + "\"How many floors are in the castle David Gregory inherited?\"")
          .contains("Reasoning: ")
          .containsPattern("Tokens: [1-9]\\d*")
          .contains(ANSWER + "\"Why is the sky blue?\"")
          .doesNotContain("[[ ##");
      assertThat(output)
          .as("no warning a user would have to understand")
          .doesNotContain("WARN")
          .doesNotContain("SLF4J");
      int dspy = output.indexOf("- " + ANSWER + "\"What is DSPy?\"");
      int reactor = output.indexOf("- " + ANSWER + "\"What is Reactor?\"");
      int helicone = output.indexOf("- " + ANSWER + "\"What is Helicone?\"");
      assertThat(dspy).as(output).isNotNegative().isLessThan(reactor);
      assertThat(reactor).isLessThan(helicone);

      List<RecordedRequest> requests = gateway.requests();
      assertThat(requests).hasSize(5);
      RecordedRequest first = requests.get(0);
      assertThat(first.header("Helicone-Session-Name")).hasValue("Customer Support");
      assertThat(first.header("Helicone-Session-Path")).hasValue("/support/chat");
      assertThat(first.header("Helicone-User-Id")).hasValue("user-123");
      assertThat(first.json().get("temperature").asDouble()).isEqualTo(0.7);
      assertThat(requests.get(1).json().get("stream").asBoolean()).isTrue();
      assertThat(requests)
          .allSatisfy(r -> assertThat(r.json().get("model").asText()).isEqualTo("gpt-4o-mini"));
    }
  }
}
