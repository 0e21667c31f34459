package dev.dspy4j.core.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.core.lm.LmResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.test.StepVerifier;

class DiskCacheTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @TempDir Path temp;

  private static CacheKey key(String prompt) {
    return CacheKey.of("gpt-4o-mini", LmRequest.ofUser(prompt));
  }

  private static LmResponse answer(String text) {
    return LmResponse.builder(List.of(text, text + "!"))
        .finishReason("stop")
        .model("gpt-4o-mini")
        .build();
  }

  private DefaultLmCache diskCache(Path dir) {
    return DefaultLmCache.builder().diskDirectory(dir).build();
  }

  private static void put(LmCache cache, CacheKey key, LmResponse r) {
    StepVerifier.create(cache.put(key, r)).expectComplete().verify(TIMEOUT);
  }

  private static List<Path> files(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.sorted().toList();
    }
  }

  @Test
  void diskCacheSurvivesARestart() {
    Path dir = temp.resolve("cache");
    put(diskCache(dir), key("q"), answer("a"));

    DefaultLmCache restarted = diskCache(dir); // empty memory, same directory
    StepVerifier.create(restarted.get(key("q")))
        .assertNext(
            r -> {
              assertThat(r.texts()).containsExactly("a", "a!");
              assertThat(r.finishReason()).contains("stop");
              assertThat(r.model()).contains("gpt-4o-mini");
            })
        .expectComplete()
        .verify(TIMEOUT);
    assertThat(restarted.memoryEntries()).isEqualTo(1); // the disk hit was copied into memory
  }

  @Test
  void truncatedEntryIsAMissAndIsRemoved() throws IOException {
    Path dir = temp.resolve("cache");
    put(diskCache(dir), key("q"), answer("a"));
    Path file = dir.resolve(key("q").value() + ".json");
    byte[] whole = Files.readAllBytes(file);
    Files.write(file, Arrays.copyOf(whole, whole.length / 2));

    StepVerifier.create(diskCache(dir).get(key("q"))).expectComplete().verify(TIMEOUT);
    assertThat(file).doesNotExist();
  }

  @Test
  void corruptEntryIsAMissAndIsRemovedAndCanBeStoredAgain() throws IOException {
    Path dir = temp.resolve("cache");
    put(diskCache(dir), key("q"), answer("a"));
    Path file = dir.resolve(key("q").value() + ".json");
    Files.writeString(file, "\u0000garbage{{{", StandardCharsets.UTF_8);

    DefaultLmCache restarted = diskCache(dir);
    StepVerifier.create(restarted.get(key("q"))).expectComplete().verify(TIMEOUT);
    assertThat(file).doesNotExist();

    put(restarted, key("q"), answer("b"));
    StepVerifier.create(diskCache(dir).get(key("q")))
        .assertNext(r -> assertThat(r.text()).isEqualTo("b"))
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  void entryOfAnotherKeyUnderThisNameIsAMiss() throws IOException {
    Path dir = temp.resolve("cache");
    put(diskCache(dir), key("q"), answer("a"));
    // A file copied under the wrong name must not answer a different question.
    Files.copy(
        dir.resolve(key("q").value() + ".json"), dir.resolve(key("other").value() + ".json"));
    StepVerifier.create(diskCache(dir).get(key("other"))).expectComplete().verify(TIMEOUT);
    assertThat(dir.resolve(key("other").value() + ".json")).doesNotExist();
  }

  @Test
  void diskSizeLimitEvictsTheLeastRecentlyUsedEntries() throws IOException {
    Path dir = temp.resolve("cache");
    DefaultLmCache writer = diskCache(dir);
    for (String k : List.of("1", "2", "3")) put(writer, key(k), answer(k));
    long entrySize = Files.size(dir.resolve(key("1").value() + ".json"));
    // Written in the order 1, 2, 3 (set explicitly: file times may be coarse).
    long now = System.currentTimeMillis();
    for (int i = 1; i <= 3; i++) {
      Files.setLastModifiedTime(
          dir.resolve(key("" + i).value() + ".json"), FileTime.fromMillis(now - 10_000 + i * 1000));
    }

    // Restart with room for three entries, not four.
    long limit = entrySize * 3 + entrySize / 2;
    DefaultLmCache cache = DefaultLmCache.builder().diskDirectory(dir).diskMaxBytes(limit).build();
    StepVerifier.create(cache.get(key("1"))).expectNextCount(1).expectComplete().verify(TIMEOUT);
    put(cache, key("4"), answer("4")); // 2 is now the least recently used

    assertThat(files(dir))
        .extracting(p -> p.getFileName().toString())
        .containsExactlyInAnyOrder(
            key("1").value() + ".json", key("3").value() + ".json", key("4").value() + ".json");
    long total = 0;
    for (Path f : files(dir)) total += Files.size(f);
    assertThat(total).isLessThanOrEqualTo(limit);
  }

  @Test
  void limitSmallerThanTheDirectoryEvictsOnStart() throws IOException {
    Path dir = temp.resolve("cache");
    DefaultLmCache writer = diskCache(dir);
    for (String k : List.of("1", "2", "3", "4")) put(writer, key(k), answer(k));
    long entrySize = Files.size(dir.resolve(key("1").value() + ".json"));

    DefaultLmCache small =
        DefaultLmCache.builder().diskDirectory(dir).diskMaxBytes(entrySize * 2).build();
    StepVerifier.create(small.get(key("nothing"))).expectComplete().verify(TIMEOUT);
    assertThat(files(dir)).hasSize(2);
  }

  @Test
  void cacheDirectoryIsCreatedOnFirstUseReadableByItsOwnerOnly() throws IOException {
    assumeThat(temp.getFileSystem().supportedFileAttributeViews()).contains("posix");
    Path dir = temp.resolve("nested/cache");
    DefaultLmCache cache = diskCache(dir);
    assertThat(dir).doesNotExist(); // building touches no file
    put(cache, key("q"), answer("a"));

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
        .isEqualTo("rwx------");
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve(key("q").value() + ".json"))))
        .isEqualTo("rw-------");
  }

  @Test
  void writesLeaveNoTemporaryFilesAndLeftoversAreCleanedOnStart() throws IOException {
    Path dir = temp.resolve("cache");
    DefaultLmCache cache = diskCache(dir);
    put(cache, key("q"), answer("a"));
    put(cache, key("q"), answer("b")); // replaces
    assertThat(files(dir))
        .extracting(p -> p.getFileName().toString())
        .containsExactly(key("q").value() + ".json");

    Files.writeString(dir.resolve(key("q").value() + ".1234.tmp"), "{\"half"); // a crash mid-write
    StepVerifier.create(diskCache(dir).get(key("q")))
        .assertNext(r -> assertThat(r.text()).isEqualTo("b"))
        .expectComplete()
        .verify(TIMEOUT);
    assertThat(files(dir)).hasSize(1);
  }

  @Test
  void unusableDirectoryIsAMissNeverAFailedGet() throws IOException {
    Path notADirectory = Files.writeString(temp.resolve("file"), "x");
    DefaultLmCache cache = diskCache(notADirectory.resolve("cache"));
    StepVerifier.create(cache.put(key("q"), answer("a"))).expectComplete().verify(TIMEOUT);
    // The answer is served from memory; a lookup of another key is a plain miss.
    StepVerifier.create(cache.get(key("q"))).expectNextCount(1).expectComplete().verify(TIMEOUT);
    StepVerifier.create(cache.get(key("other"))).expectComplete().verify(TIMEOUT);
  }

  @Test
  void fileLargerThanTheLimitIsNotReadButRemoved() throws IOException {
    Path dir = temp.resolve("cache");
    DefaultLmCache cache = DefaultLmCache.builder().diskDirectory(dir).diskMaxBytes(1_000).build();
    StepVerifier.create(cache.get(key("warm-up"))).expectComplete().verify(TIMEOUT); // creates dir
    Path file = dir.resolve(key("q").value() + ".json");
    Files.writeString(file, "x".repeat(5_000));
    StepVerifier.create(cache.get(key("q"))).expectComplete().verify(TIMEOUT);
    assertThat(file).doesNotExist();
  }

  @Test
  void environmentVariableTurnsTheDiskLayerOn() {
    assertThat(DefaultLmCache.fromEnvironment(Map.of()).diskDirectory()).isEmpty();
    assertThat(DefaultLmCache.fromEnvironment(Map.of("DSPY4J_CACHEDIR", "  ")).diskDirectory())
        .isEmpty();
    assertThat(
            DefaultLmCache.fromEnvironment(Map.of("DSPY4J_CACHEDIR", temp.toString()))
                .diskDirectory())
        .contains(temp.toAbsolutePath());
  }
}
