package dev.dspy4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The README's Redis command as a user runs it: {@code java -jar
 * examples/target/dspy4j-examples.jar redis-cache}, without {@code REDIS_URL} (the example starts
 * Debian's redis-server itself) and without an API key (the embedded local gateway).
 */
class RedisCacheJarIT {

  private static final Path JAR = Path.of("target", "dspy4j-examples.jar");

  @Test
  void theRedisCacheExampleRunsFromTheJarWithAThrowAwayRedisServer() throws Exception {
    assertThat(JAR).exists();
    var builder =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-jar",
                    JAR.toAbsolutePath().toString(),
                    "redis-cache"))
            .directory(Files.createTempDirectory("dspy4j-redis-example").toFile())
            .redirectErrorStream(true);
    builder.environment().remove("HELICONE_API_KEY");
    builder.environment().remove("REDIS_URL");
    Process process = builder.start();
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("the jar finished").isTrue();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(process.exitValue()).as(output).isZero();
    assertThat(output)
        .contains("a local redis-server started for this example")
        .containsPattern("1st call, this process: +from the LM")
        .containsPattern("2nd call, this process: +from the cache")
        .containsPattern("3rd call, a fresh cache \\(as another process\\): +from the cache");
    assertThat(output.lines().filter(l -> l.startsWith("[local gateway] #"))).hasSize(1);
  }
}
