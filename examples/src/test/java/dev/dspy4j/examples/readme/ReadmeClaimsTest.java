package dev.dspy4j.examples.readme;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.streaming.internal.LmEnvironment;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** What the README's opening sections state about the build, checked against the build itself. */
class ReadmeClaimsTest {

  private static final Path ROOT = Path.of("..");

  private static Document pom(String module) throws Exception {
    var factory = DocumentBuilderFactory.newInstance();
    return factory.newDocumentBuilder().parse(ROOT.resolve(module).resolve("pom.xml").toFile());
  }

  private static String child(Element e, String name) {
    NodeList list = e.getElementsByTagName(name);
    return list.getLength() == 0 ? "" : list.item(0).getTextContent().strip();
  }

  private static String projectValue(Document pom, String name) {
    for (var n = pom.getDocumentElement().getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().equals(name)) {
        return e.getTextContent().strip();
      }
    }
    return "";
  }

  private static List<String> modules() throws Exception {
    // The project's own <modules>, not those of profiles (bench/ is opt-in and not published).
    var list = new ArrayList<String>();
    for (var n = pom(".").getDocumentElement().getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().equals("modules")) {
        NodeList modules = e.getElementsByTagName("module");
        for (int i = 0; i < modules.getLength(); i++) {
          list.add(modules.item(i).getTextContent().strip());
        }
      }
    }
    return list;
  }

  @Test
  void theInstallSnippetNamesArtifactsAndTheVersionTheBuildMakes() throws Exception {
    String install = Readme.section("Install");
    String version = projectValue(pom("."), "version");
    assertThat(install)
        .contains("<groupId>dev.dspy4j</groupId>")
        .contains("<version>" + version + "</version>")
        .contains("<artifactId>dspy4j-bom</artifactId>")
        .contains("<artifactId>dspy4j-streaming</artifactId>")
        .contains("<artifactId>dspy4j-test</artifactId>");
    assertThat(projectValue(pom("bom"), "artifactId")).isEqualTo("dspy4j-bom");
    assertThat(projectValue(pom("bom"), "version"))
        .as("the BOM has no parent: keep its version in step")
        .isEqualTo(version);
    assertThat(projectValue(pom("test"), "artifactId")).isEqualTo("dspy4j-test");
    String slf4j =
        child((Element) pom(".").getElementsByTagName("properties").item(0), "slf4j.version");
    assertThat(install)
        .contains("<artifactId>slf4j-simple</artifactId>\n    <version>" + slf4j + "</version>");
  }

  /** A module that is never deployed (core-tests: tests only) sets maven.deploy.skip. */
  private static boolean unpublished(String module) throws Exception {
    NodeList properties = pom(module).getDocumentElement().getElementsByTagName("properties");
    return properties.getLength() > 0
        && child((Element) properties.item(0), "maven.deploy.skip").equals("true");
  }

  @Test
  void onlyTheTestsOnlyModuleIsLeftOutOfTheBom() throws Exception {
    var unpublished = new ArrayList<String>();
    for (String module : modules()) {
      if (unpublished(module)) unpublished.add(module);
    }
    assertThat(unpublished).containsExactly("core-tests");
  }

  @Test
  void theTestingSectionNamesDummyLmsArtifactInTestScopeAndItsImport() throws Exception {
    String testing = Readme.section("Testing your program");
    assertThat(testing)
        .contains(
            "<dependency>\n  <groupId>dev.dspy4j</groupId>\n  <artifactId>dspy4j-test</artifactId>\n"
                + "  <scope>test</scope>\n</dependency>")
        .contains("import dev.dspy4j.test.DummyLM;");
    assertThat(ROOT.resolve("test/src/main/java/dev/dspy4j/test/DummyLM.java")).isRegularFile();
  }

  @Test
  void theBomManagesEveryLibraryModule() throws Exception {
    Document bom = pom("bom");
    var managed = new ArrayList<String>();
    NodeList deps = bom.getElementsByTagName("dependency");
    for (int i = 0; i < deps.getLength(); i++) {
      managed.add(child((Element) deps.item(i), "artifactId"));
    }
    for (String module : modules()) {
      if (module.equals("bom")
          || module.equals("examples")
          || module.startsWith("examples/")
          || unpublished(module)) {
        continue;
      }
      assertThat(managed)
          .as(
              "dspy4j-bom manages module "
                  + module
                  + " (add every published module to bom/pom.xml)")
          .contains(projectValue(pom(module), "artifactId"));
    }
  }

  @Test
  void theLibraryForcesNoSlf4jBinding() throws Exception {
    for (String module : List.of("core", "streaming", "test")) {
      NodeList deps = pom(module).getElementsByTagName("dependency");
      for (int i = 0; i < deps.getLength(); i++) {
        var dep = (Element) deps.item(i);
        String artifact = child(dep, "artifactId");
        if (artifact.startsWith("slf4j-") && !artifact.equals("slf4j-api")
            || artifact.startsWith("logback")
            || artifact.startsWith("log4j-slf4j")) {
          assertThat(child(dep, "scope"))
              .as(module + " uses " + artifact + " only in its tests")
              .isEqualTo("test");
        }
      }
    }
    assertThat(Readme.section("Logging"))
        .contains("brings no binding")
        .contains("No SLF4J\nproviders were found");
  }

  @Test
  void theConfigurationTableNamesTheVariablesTheLmReads() throws Exception {
    String configuration = Readme.section("Configuration");
    for (String variable :
        List.of(LmEnvironment.API_KEY, LmEnvironment.BASE_URL, LmEnvironment.MODEL)) {
      assertThat(configuration).contains("| `" + variable + "` |");
    }
  }

  @Test
  void theGatewayJarNameIsTheOneTheTestModuleBuilds() throws Exception {
    String version = projectValue(pom("."), "version");
    String classifier = child(pom("test").getDocumentElement(), "shadedClassifierName");
    assertThat(Readme.section("Testing your program"))
        .contains(
            "java -jar test/target/dspy4j-test-" + version + "-" + classifier + ".jar --port 8080");
  }

  @Test
  void missingChromiumIsAnnouncedOnTheConsole() throws Exception {
    String examples = Files.readString(ROOT.resolve("examples/pom.xml"), StandardCharsets.UTF_8);
    assertThat(examples)
        .contains("<missing>/usr/bin/chromium</missing>")
        .contains("<missing>/usr/bin/chromedriver</missing>")
        .contains("<echo level=\"warning\">Browser tests of the streaming page will be SKIPPED");
    assertThat(Readme.section("Two commands")).contains("prints a `[WARNING]`");
  }

  @Test
  void neitherTheReadmeNorTheExamplesUseWildcardImports() throws IOException {
    for (String block : Readme.blocks(Readme.text(), "java")) {
      assertThat(block).doesNotContainPattern("(?m)^import (?!static )[\\w.]+\\.\\*;");
    }
    try (Stream<Path> files = Files.walk(Path.of("src"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        assertThat(Files.readString(file))
            .as(file.toString())
            .doesNotContainPattern("(?m)^import (?!static )[\\w.]+\\.\\*;");
      }
    }
  }

  @Test
  void moduleImportedByNameCompilesAndByWildcardIsAmbiguous(@TempDir Path dir) throws IOException {
    String body = "  static Module bot(Module step) { return step.withSessionPath(\"bot\"); }\n}\n";
    Readme.Compiled byName =
        Readme.compile(
            "ByName",
            "import dev.dspy4j.core.predict.Module;\n\nclass ByName {\n" + body,
            dir.resolve("a"),
            dir.resolve("a-classes"));
    Readme.Compiled wildcard =
        Readme.compile(
            "Wildcard",
            "import dev.dspy4j.core.predict.*;\n\nclass Wildcard {\n" + body,
            dir.resolve("b"),
            dir.resolve("b-classes"));

    assertThat(byName.success()).as(byName.diagnostics()).isTrue();
    assertThat(wildcard.success()).isFalse();
    assertThat(wildcard.diagnostics()).contains("reference to Module is ambiguous");
    assertThat(Readme.section("Install"))
        .contains("import dev.dspy4j.core.predict.Module;")
        .contains("ambiguous");
  }
}
