package dev.dspy4j.core.usage;

import dev.dspy4j.core.lm.LmChain;
import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.core.lm.LmResponse;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The last calls of an LM, like DSPy's {@code lm.history}: a ring of at most {@link #capacity()}
 * {@link HistoryEntry}s (oldest dropped first), so a long batch cannot grow it without bound.
 * {@link #disabled()} keeps nothing. Entries never hold credentials. Thread-safe.
 *
 * <p>An {@link LmChain} appends with {@link #record(String, LmRequest, LmResponse)} after each
 * completed call (give it one with {@code LmChain.builder(transport).history(history)}).
 */
public final class LmHistory {

  /** DSPy's default {@code max_history_size}. */
  public static final int DEFAULT_CAPACITY = 10_000;

  private final int capacity;
  private final Clock clock;
  private final ArrayDeque<HistoryEntry> entries; // guarded by itself

  private LmHistory(int capacity, Clock clock) {
    this.capacity = capacity;
    this.clock = clock;
    this.entries = new ArrayDeque<>(Math.min(capacity, 1024));
  }

  /** A history of the last {@value #DEFAULT_CAPACITY} calls. */
  public static LmHistory create() {
    return withCapacity(DEFAULT_CAPACITY);
  }

  /** A history of the last {@code capacity} calls; 0 keeps nothing. */
  public static LmHistory withCapacity(int capacity) {
    return withCapacity(capacity, Clock.systemUTC());
  }

  /** A history of the last {@code capacity} calls, timestamped by {@code clock}. */
  public static LmHistory withCapacity(int capacity, Clock clock) {
    if (capacity < 0) {
      throw new IllegalArgumentException("history capacity must not be negative, was " + capacity);
    }
    return new LmHistory(capacity, Objects.requireNonNull(clock, "clock must not be null"));
  }

  /** A history that keeps nothing (the opt-out). */
  public static LmHistory disabled() {
    return withCapacity(0);
  }

  /** Appends the entry of one completed call, dropping the oldest entry when full. */
  public void record(String model, LmRequest request, LmResponse response) {
    if (capacity == 0) {
      return;
    }
    record(HistoryEntry.of(model, request, response, clock.instant()));
  }

  /** Appends {@code entry}, dropping the oldest entry when full. */
  public void record(HistoryEntry entry) {
    Objects.requireNonNull(entry, "entry must not be null");
    if (capacity == 0) {
      return;
    }
    synchronized (entries) {
      if (entries.size() == capacity) {
        entries.pollFirst();
      }
      entries.addLast(entry);
    }
  }

  /** All kept entries, oldest first; a snapshot. */
  public List<HistoryEntry> entries() {
    synchronized (entries) {
      return List.copyOf(entries);
    }
  }

  /** The last {@code n} entries (fewer when fewer are kept), oldest first. */
  public List<HistoryEntry> last(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("n must not be negative, was " + n);
    }
    synchronized (entries) {
      var all = new ArrayList<>(entries);
      return List.copyOf(all.subList(Math.max(0, all.size() - n), all.size()));
    }
  }

  /** How many entries are kept now. */
  public int size() {
    synchronized (entries) {
      return entries.size();
    }
  }

  /** The most entries kept; 0 when disabled. */
  public int capacity() {
    return capacity;
  }

  /** False for {@link #disabled()}. */
  public boolean isEnabled() {
    return capacity > 0;
  }

  /** Drops every entry. */
  public void clear() {
    synchronized (entries) {
      entries.clear();
    }
  }

  @Override
  public String toString() {
    return "LmHistory[size=" + size() + ", capacity=" + capacity + "]";
  }
}
