package dev.dspy4j.core.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.dspy4j.core.cache.CacheKey;
import dev.dspy4j.core.cache.DefaultLmCache;
import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.core.lm.LmResponse;
import dev.dspy4j.core.lm.Usage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The disk cache keeps entries private and never uses Java serialisation: directories it creates
 * are owner-only, entry files are JSON holding no credential, and a planted Java-serialised file is
 * never deserialised (it is a miss and is removed).
 */
class DiskCacheSecurityTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String SECRET = "sk-disk-secret-0123456789";

  @TempDir Path temp;

  private static LmRequest request(String prompt) {
    return LmRequest.builder(LmRequest.ofUser(prompt).messages())
        .header("Authorization", "Bearer " + SECRET)
        .extraBody(Map.of("api_key", SECRET))
        .build();
  }

  private static LmResponse answer(String text) {
    return LmResponse.builder(List.of(text))
        .usage(new Usage(3, 4, 7))
        .finishReason("stop")
        .headers(Map.of("x-echo-authorization", "Bearer " + SECRET))
        .model("gpt-4o-mini")
        .build();
  }

  @Test
  void everyDirectoryTheCacheCreatesIsOwnerOnlyAndEveryEntryFileToo() throws IOException {
    assumeThat(temp.getFileSystem().supportedFileAttributeViews()).contains("posix");
    Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxrwxrwx"));
    Path dir = temp.resolve("a/b/dspy4j");
    DefaultLmCache cache = DefaultLmCache.builder().diskDirectory(dir).build();

    cache.put(CacheKey.of("gpt-4o-mini", request("q")), answer("a")).block(WAIT);

    for (Path created : List.of(temp.resolve("a"), temp.resolve("a/b"), dir)) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(created)))
          .as("%s", temp.relativize(created))
          .isEqualTo("rwx------");
    }
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.toList())
          .isNotEmpty()
          .allSatisfy(
              f ->
                  assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
                      .isEqualTo("rw-------"));
    }
  }

  @Test
  void entryFilesAreJsonWithoutCredentials() throws IOException {
    Path dir = temp.resolve("cache");
    DefaultLmCache cache = DefaultLmCache.builder().diskDirectory(dir).build();
    CacheKey key = CacheKey.of("gpt-4o-mini", request("q"));

    cache.put(key, answer("the answer")).block(WAIT);

    Path file = dir.resolve(key.value() + ".json");
    byte[] bytes = Files.readAllBytes(file);
    String text = new String(bytes, StandardCharsets.UTF_8);
    assertThat(text).startsWith("{").contains("the answer").doesNotContain(SECRET);
    assertThat(key.toString()).doesNotContain(SECRET);
    assertThat(CacheKey.canonicalJson("gpt-4o-mini", request("q"))).doesNotContain(SECRET);
  }

  /** Records whether Java deserialisation ever ran on it. */
  static final class Tripwire implements Serializable {
    private static final long serialVersionUID = 1L;
    static volatile boolean deserialised;

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
      in.defaultReadObject();
      deserialised = true;
    }
  }

  @Test
  void aJavaSerialisedFilePlantedAsAnEntryIsNeverDeserialisedButRemoved() throws IOException {
    Path dir = temp.resolve("cache");
    DefaultLmCache writer = DefaultLmCache.builder().diskDirectory(dir).build();
    CacheKey key = CacheKey.of("gpt-4o-mini", request("planted"));
    writer
        .put(CacheKey.of("gpt-4o-mini", request("other")), answer("x"))
        .block(WAIT); // creates the directory
    var serialised = new ByteArrayOutputStream();
    try (var out = new ObjectOutputStream(serialised)) {
      out.writeObject(new Tripwire());
    }
    Path planted = dir.resolve(key.value() + ".json");
    Files.write(planted, serialised.toByteArray());

    LmResponse found = DefaultLmCache.builder().diskDirectory(dir).build().get(key).block(WAIT);

    assertThat(found).as("a miss").isNull();
    assertThat(Tripwire.deserialised).isFalse();
    assertThat(planted).doesNotExist();
  }

  @Test
  void noLibrarySourceUsesJavaDeserialisationOrPolymorphicJackson() throws IOException {
    // Tests run in the core module's directory; the streaming module is its sibling.
    List<Path> roots = List.of(Path.of("src/main/java"), Path.of("../streaming/src/main/java"));
    int scanned = 0;
    for (Path root : roots) {
      assertThat(root).isDirectory();
      try (Stream<Path> files = Files.walk(root)) {
        for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
          String source = Files.readString(file);
          scanned++;
          assertThat(source)
              .as("%s", file)
              .doesNotContain("ObjectInputStream")
              .doesNotContain("readObject(")
              .doesNotContain("enableDefaultTyping")
              .doesNotContain("activateDefaultTyping")
              .doesNotContain("@JsonTypeInfo");
        }
      }
    }
    assertThat(scanned).as("sources were scanned").isGreaterThan(50);
  }
}
