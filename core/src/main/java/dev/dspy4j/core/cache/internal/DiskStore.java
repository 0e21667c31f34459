package dev.dspy4j.core.cache.internal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.dspy4j.core.cache.CacheKey;
import dev.dspy4j.core.lm.LmResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The disk layer: one JSON file per entry ({@code <key>.json}) in a directory readable by its owner
 * only. Every file operation runs on a small bounded scheduler, never on the caller's thread.
 * Writes go to a temporary file that is then moved over the entry, so a reader sees a whole entry
 * or none. A size limit is enforced by evicting the least recently used entries. An entry that
 * cannot be read (truncated, corrupt, another format) is deleted and reported as a miss.
 *
 * <p>The index (sizes, recency) is built from the directory on first use and kept in memory; files
 * written by another process into the same directory are found on read, but counted against the
 * limit only after this process reads them or restarts.
 */
public final class DiskStore {

  private static final Logger LOG = LoggerFactory.getLogger(DiskStore.class);

  /**
   * Shared by every disk store of the process: a few threads (disk I/O gains nothing from more) and
   * a bounded queue, so a burst of writes cannot grow memory without bound.
   */
  private static final Scheduler DISK_IO =
      Schedulers.newBoundedElastic(4, 10_000, "dspy4j-cache-disk", 60, true);

  private static final ObjectMapper MAPPER =
      JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

  private static final Set<PosixFilePermission> OWNER_ONLY_DIR =
      PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> OWNER_ONLY_FILE =
      PosixFilePermissions.fromString("rw-------");
  private static final String SUFFIX = ".json";
  private static final String TEMP_SUFFIX = ".tmp";

  private final Path directory;
  private final long maxBytes;
  private final Object lock = new Object();

  /**
   * Access-ordered: the first entry is the least recently used. Null until the directory is read.
   */
  private @Nullable LinkedHashMap<String, Long> index;

  private long totalBytes;

  /**
   * A store in {@code directory} (created on first use) holding at most {@code maxBytes} of entry
   * files.
   */
  public DiskStore(Path directory, long maxBytes) {
    this.directory = directory.toAbsolutePath().normalize();
    this.maxBytes = maxBytes;
  }

  /** The absolute directory of the entry files. */
  public Path directory() {
    return directory;
  }

  /** Emits the stored response, or completes empty on a miss or an unreadable entry. */
  public Mono<LmResponse> read(CacheKey key) {
    return Mono.fromCallable(() -> readNow(key.value())).subscribeOn(DISK_IO);
  }

  /** Completes once the entry is on disk (or skipped because it alone exceeds the size limit). */
  public Mono<Void> write(CacheKey key, LmResponse response) {
    return Mono.<Void>fromRunnable(() -> writeNow(key.value(), response)).subscribeOn(DISK_IO);
  }

  private @Nullable LmResponse readNow(String key) throws IOException {
    ensureIndexed();
    Path file = directory.resolve(key + SUFFIX);
    byte[] bytes;
    try {
      // Never read more than an entry may weigh: a larger file was not written by this cache.
      bytes = Files.size(file) > maxBytes ? null : Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return null;
    }
    DiskEntry entry = null;
    if (bytes != null) {
      try {
        entry = MAPPER.readValue(bytes, DiskEntry.class);
      } catch (IOException e) {
        entry = null;
      }
    }
    if (entry == null || !entry.isValidFor(key)) {
      LOG.warn(
          "dspy4j cache: the entry {} in {} is unreadable (truncated or corrupt); removing it",
          key.substring(0, 12),
          directory);
      remove(key, file);
      return null;
    }
    synchronized (lock) {
      Long size = index().get(key); // marks it most recently used
      if (size == null && bytes != null) {
        // Written by another process: count it from now on.
        index().put(key, (long) bytes.length);
        totalBytes += bytes.length;
        evictIfNeeded();
      }
    }
    try {
      // Recency survives a restart: the index is rebuilt ordered by modification time.
      Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis()));
    } catch (IOException e) {
      // Evicted or replaced meanwhile: the answer read is still whole.
    }
    return entry.toResponse();
  }

  private void writeNow(String key, LmResponse response) {
    try {
      ensureIndexed();
      byte[] bytes = MAPPER.writeValueAsBytes(DiskEntry.of(key, response));
      if (bytes.length > maxBytes) {
        LOG.debug(
            "dspy4j cache: entry {} ({} bytes) exceeds the disk limit of {} bytes; not stored",
            key.substring(0, 12),
            bytes.length,
            maxBytes);
        return;
      }
      Path target = directory.resolve(key + SUFFIX);
      Path temp =
          directory.resolve(
              key + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + TEMP_SUFFIX);
      try {
        createOwnerOnlyFile(temp);
        Files.write(temp, bytes, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        try {
          Files.move(
              temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(temp);
      }
      synchronized (lock) {
        Long previous = index().put(key, (long) bytes.length);
        totalBytes += bytes.length - (previous == null ? 0 : previous);
        evictIfNeeded();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "could not write a cache entry in " + directory + " (" + e.getMessage() + ")", e);
    }
  }

  private void evictIfNeeded() {
    Iterator<Map.Entry<String, Long>> eldestFirst = index().entrySet().iterator();
    while (totalBytes > maxBytes && eldestFirst.hasNext()) {
      Map.Entry<String, Long> e = eldestFirst.next();
      eldestFirst.remove();
      totalBytes -= e.getValue();
      try {
        Files.deleteIfExists(directory.resolve(e.getKey() + SUFFIX));
      } catch (IOException ex) {
        LOG.warn("dspy4j cache: could not evict an entry from {} ({})", directory, ex.getMessage());
      }
    }
  }

  private void remove(String key, Path file) {
    synchronized (lock) {
      Long size = index().remove(key);
      if (size != null) totalBytes -= size;
    }
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      LOG.warn(
          "dspy4j cache: could not delete the unreadable entry in {} ({})",
          directory,
          e.getMessage());
    }
  }

  private LinkedHashMap<String, Long> index() {
    var i = index;
    if (i == null) throw new IllegalStateException("the disk cache index is not loaded");
    return i;
  }

  private void ensureIndexed() throws IOException {
    synchronized (lock) {
      if (index != null) return;
      createOwnerOnlyDirectory();
      record Found(String key, long size, long modified) {}
      List<Found> found = new ArrayList<>();
      try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
        for (Path file : files) {
          String name = file.getFileName().toString();
          if (name.endsWith(TEMP_SUFFIX)) {
            Files.deleteIfExists(file); // left by a crash mid-write
          } else if (name.endsWith(SUFFIX) && name.length() == 64 + SUFFIX.length()) {
            try {
              found.add(
                  new Found(
                      name.substring(0, 64),
                      Files.size(file),
                      Files.getLastModifiedTime(file).toMillis()));
            } catch (NoSuchFileException e) {
              // Removed meanwhile by another process.
            }
          }
        }
      }
      found.sort(Comparator.comparingLong(Found::modified));
      var loaded = new LinkedHashMap<String, Long>(16, 0.75f, true);
      long total = 0;
      for (Found f : found) {
        loaded.put(f.key(), f.size());
        total += f.size();
      }
      index = loaded;
      totalBytes = total;
      evictIfNeeded();
    }
  }

  private void createOwnerOnlyDirectory() throws IOException {
    if (Files.isDirectory(directory)) return;
    if (supportsPosix()) {
      Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR));
      // The umask may have removed bits only; set them exactly anyway.
      Files.setPosixFilePermissions(directory, OWNER_ONLY_DIR);
    } else {
      Files.createDirectories(directory);
    }
  }

  private void createOwnerOnlyFile(Path file) throws IOException {
    try {
      if (supportsPosix()) {
        FileAttribute<Set<PosixFilePermission>> ownerOnly =
            PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE);
        Files.createFile(file, ownerOnly);
      } else {
        Files.createFile(file);
      }
    } catch (FileAlreadyExistsException e) {
      // A random 64-bit name collided: overwrite it, the move below makes the entry whole anyway.
    }
  }

  private boolean supportsPosix() {
    return directory.getFileSystem().supportedFileAttributeViews().contains("posix");
  }
}
