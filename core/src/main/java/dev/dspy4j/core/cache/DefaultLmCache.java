package dev.dspy4j.core.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.dspy4j.core.cache.internal.DiskStore;
import dev.dspy4j.core.lm.LmResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * The built-in {@link LmCache}, like DSPy's: a Caffeine memory layer (bounded by entries and by
 * bytes) in front of an optional disk layer (one owner-only directory of JSON files, bounded in
 * bytes, least recently used evicted first). A disk hit is copied into memory.
 *
 * <pre>{@code
 * Dspy.configureCache(DefaultLmCache.builder()
 *     .memoryMaxEntries(10_000)
 *     .diskDirectory(Path.of("/var/cache/my-app/dspy4j"))
 *     .diskMaxBytes(2L << 30)
 *     .build());
 * }</pre>
 *
 * <p>Disk failures never fail an LM call: a failed read is a miss, a failed write is logged and the
 * answer stays in memory only.
 */
public final class DefaultLmCache implements LmCache {

  /**
   * The environment variable naming the disk cache directory, like DSPy's {@code DSPY_CACHEDIR}.
   */
  public static final String CACHE_DIR_ENV = "DSPY4J_CACHEDIR";

  /** Default memory bound in entries. */
  public static final long DEFAULT_MEMORY_MAX_ENTRIES = 100_000;

  /** Default memory bound in (estimated) bytes: 256 MiB. */
  public static final long DEFAULT_MEMORY_MAX_BYTES = 256L << 20;

  /** Default disk bound in bytes: 1 GiB. */
  public static final long DEFAULT_DISK_MAX_BYTES = 1L << 30;

  private static final Logger LOG = LoggerFactory.getLogger(DefaultLmCache.class);

  private final Cache<CacheKey, LmResponse> memory;
  private final @Nullable DiskStore disk;

  private DefaultLmCache(Builder b) {
    // Caffeine bounds either count or weight: every entry weighs at least maxBytes / maxEntries,
    // so a full weight budget also means at most maxEntries entries.
    long minWeight = Math.max(1, ceilDiv(b.memoryMaxBytes, b.memoryMaxEntries));
    this.memory =
        Caffeine.newBuilder()
            .maximumWeight(b.memoryMaxBytes)
            .<CacheKey, LmResponse>weigher(
                (k, v) -> (int) Math.min(Integer.MAX_VALUE, Math.max(minWeight, estimatedBytes(v))))
            .build();
    this.disk = b.diskDirectory == null ? null : new DiskStore(b.diskDirectory, b.diskMaxBytes);
  }

  /**
   * A builder with the defaults: memory only, {@value #DEFAULT_MEMORY_MAX_ENTRIES} entries, 256
   * MiB.
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The process default: the memory layer with default bounds, plus the disk layer in the directory
   * named by {@code DSPY4J_CACHEDIR} when that variable is set and not blank.
   */
  public static DefaultLmCache fromEnvironment() {
    return fromEnvironment(System.getenv());
  }

  static DefaultLmCache fromEnvironment(Map<String, String> environment) {
    var b = builder();
    String dir = environment.get(CACHE_DIR_ENV);
    if (dir != null && !dir.isBlank()) b.diskDirectory(Path.of(dir.strip()));
    return b.build();
  }

  /** The disk directory, when the disk layer is on. */
  public Optional<Path> diskDirectory() {
    return Optional.ofNullable(disk).map(DiskStore::directory);
  }

  /**
   * Emits the entry from memory, else from disk (copying it into memory), else completes empty. A
   * disk failure is logged and treated as a miss, never an error. A memory hit completes on the
   * caller's thread; a disk lookup completes on a disk I/O thread.
   */
  @Override
  public Mono<LmResponse> get(CacheKey key) {
    Objects.requireNonNull(key, "key must not be null");
    LmResponse inMemory = memory.getIfPresent(key);
    if (inMemory != null) return Mono.just(inMemory);
    if (disk == null) return Mono.empty();
    return disk.read(key)
        .doOnNext(found -> memory.put(key, found))
        // Exceptions only: an Error (a bug, such as a blocking call caught by BlockHound) surfaces.
        .onErrorResume(
            Exception.class,
            e -> {
              LOG.warn(
                  "dspy4j cache: disk lookup failed, treating it as a miss ({})", e.getMessage());
              return Mono.empty();
            });
  }

  /**
   * Stores the entry in memory at once and, with the disk layer on, completes when the disk file is
   * written (on a disk I/O thread). A failed disk write is logged and the entry stays in memory
   * only; it is not an error.
   */
  @Override
  public Mono<Void> put(CacheKey key, LmResponse response) {
    Objects.requireNonNull(key, "key must not be null");
    Objects.requireNonNull(response, "response must not be null");
    return Mono.defer(
        () -> {
          memory.put(key, response);
          if (disk == null) return Mono.empty();
          return disk.write(key, response)
              .onErrorResume(
                  Exception.class,
                  e -> {
                    LOG.warn(
                        "dspy4j cache: disk write failed, the entry is kept in memory only ({})",
                        e.getMessage());
                    return Mono.empty();
                  });
        });
  }

  /** Entries in the memory layer after pending evictions ran (for tests and diagnostics). */
  long memoryEntries() {
    memory.cleanUp();
    return memory.estimatedSize();
  }

  @Override
  public String toString() {
    return "DefaultLmCache[memoryEntries="
        + memory.estimatedSize()
        + diskDirectory().map(d -> ", disk=" + d).orElse("")
        + "]";
  }

  private static long estimatedBytes(LmResponse r) {
    long bytes = 96;
    for (String t : r.texts()) bytes += 40 + 2L * t.length();
    bytes += r.finishReason().map(s -> 40 + 2L * s.length()).orElse(0L);
    bytes += r.model().map(s -> 40 + 2L * s.length()).orElse(0L);
    return bytes;
  }

  private static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }

  /** Builds a {@link DefaultLmCache}; each setter checks its argument at once. */
  public static final class Builder {
    private long memoryMaxEntries = DEFAULT_MEMORY_MAX_ENTRIES;
    private long memoryMaxBytes = DEFAULT_MEMORY_MAX_BYTES;
    private @Nullable Path diskDirectory;
    private long diskMaxBytes = DEFAULT_DISK_MAX_BYTES;

    private Builder() {}

    /** At most this many entries in memory (least recently / frequently used evicted first). */
    public Builder memoryMaxEntries(long maxEntries) {
      if (maxEntries < 1)
        throw new IllegalArgumentException(
            "memoryMaxEntries must be at least 1, was " + maxEntries);
      this.memoryMaxEntries = maxEntries;
      return this;
    }

    /** At most about this many bytes of answers in memory (estimated from the text lengths). */
    public Builder memoryMaxBytes(long maxBytes) {
      if (maxBytes < 1)
        throw new IllegalArgumentException("memoryMaxBytes must be at least 1, was " + maxBytes);
      this.memoryMaxBytes = maxBytes;
      return this;
    }

    /**
     * Turns the disk layer on, in this directory. It is created on first use, readable by its owner
     * only where the file system has POSIX permissions; an existing directory keeps its
     * permissions.
     */
    public Builder diskDirectory(Path directory) {
      this.diskDirectory = Objects.requireNonNull(directory, "directory must not be null");
      return this;
    }

    /**
     * At most this many bytes of entry files on disk; the least recently used are deleted first.
     */
    public Builder diskMaxBytes(long maxBytes) {
      if (maxBytes < 1)
        throw new IllegalArgumentException("diskMaxBytes must be at least 1, was " + maxBytes);
      this.diskMaxBytes = maxBytes;
      return this;
    }

    /**
     * The cache. Touches no file: the disk directory is created on first use, off the caller's
     * thread.
     */
    public DefaultLmCache build() {
      return new DefaultLmCache(this);
    }
  }
}
