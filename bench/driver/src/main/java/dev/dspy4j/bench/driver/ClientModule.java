package dev.dspy4j.bench.driver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A client under test: the bench module that holds it and its main class. Its JVM runs with the
 * module's {@code target/classes} plus the {@code target/classpath.txt} Maven wrote at package
 * time.
 *
 * @param name the name in the report
 * @param label library and version, as the report shows it
 * @param module directory under {@code bench/}
 * @param mainClass the client's main
 */
record ClientModule(String name, String label, String module, String mainClass) {

  static final String FLOOR = "floor";
  static final String DSPY4J = "dspy4j";

  static final List<ClientModule> ALL =
      List.of(
          new ClientModule(
              FLOOR,
              "floor: bare Reactor Netty HttpClient",
              "client-floor",
              "dev.dspy4j.bench.floor.FloorClient"),
          new ClientModule(
              DSPY4J, "dspy4j LM.stream", "client-dspy4j", "dev.dspy4j.bench.dspy4j.Dspy4jClient"),
          new ClientModule(
              "openai-java",
              "openai-java 4.101.0 async",
              "client-openai",
              "dev.dspy4j.bench.openai.OpenAiJavaClient"),
          new ClientModule(
              "langchain4j",
              "LangChain4j 1.19.0 OpenAiStreamingChatModel",
              "client-langchain4j",
              "dev.dspy4j.bench.langchain4j.LangChain4jClient"),
          new ClientModule(
              "spring-ai",
              "Spring AI 2.0.1 OpenAiChatModel.stream",
              "client-springai",
              "dev.dspy4j.bench.springai.SpringAiClient"));

  /** The JVM classpath, or empty when the module was not built (e.g. its build failed). */
  Optional<String> classpath(Path benchDir) throws IOException {
    Path dir = benchDir.resolve(module).resolve("target");
    Path cp = dir.resolve("classpath.txt");
    Path classes = dir.resolve("classes");
    if (!Files.isRegularFile(cp) || !Files.isDirectory(classes)) {
      return Optional.empty();
    }
    String deps = Files.readString(cp).trim();
    return Optional.of(classes + (deps.isEmpty() ? "" : java.io.File.pathSeparator + deps));
  }
}
