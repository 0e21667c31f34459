package dev.dspy4j.redis.internal;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether Redis is answering, and the one place that says so in the log. The first failure of an
 * outage logs one warning; later failures of the same outage log nothing above DEBUG; the first
 * success after it logs one INFO line. While Redis is down, calls skip it (a miss, at once) except
 * one call per probe interval, which tries it again.
 */
public final class RedisHealth {

  private static final Logger LOG = LoggerFactory.getLogger("dev.dspy4j.redis.RedisLmCache");

  private final String endpoint;
  private final long probeIntervalNanos;
  private final LongSupplier nanoClock;
  private final AtomicBoolean up = new AtomicBoolean(true);
  private final AtomicLong nextProbe = new AtomicLong();
  private final AtomicLong outages = new AtomicLong();

  /**
   * @param endpoint how Redis is named in the log (never with a password)
   * @param probeInterval while down, how often one call tries Redis again
   */
  public RedisHealth(String endpoint, Duration probeInterval) {
    this(endpoint, probeInterval, System::nanoTime);
  }

  RedisHealth(String endpoint, Duration probeInterval, LongSupplier nanoClock) {
    this.endpoint = endpoint;
    this.probeIntervalNanos = probeInterval.toNanos();
    this.nanoClock = nanoClock;
  }

  /**
   * Whether this call may use Redis: always while it is up; while down, one call per probe
   * interval.
   */
  public boolean tryUse() {
    if (up.get()) return true;
    long now = nanoClock.getAsLong();
    long next = nextProbe.get();
    return now - next >= 0 && nextProbe.compareAndSet(next, now + probeIntervalNanos);
  }

  /** Redis answered. */
  public void succeeded() {
    if (!up.get() && up.compareAndSet(false, true)) {
      LOG.info("dspy4j redis cache: Redis at {} answers again; using it", endpoint);
    }
  }

  /** A Redis operation failed or timed out: the call goes on without Redis. */
  public void failed(Throwable error) {
    if (up.get() && up.compareAndSet(true, false)) {
      nextProbe.set(nanoClock.getAsLong() + probeIntervalNanos);
      outages.incrementAndGet();
      LOG.warn(
          "dspy4j redis cache: Redis at {} is unreachable or too slow ({}); LM calls go on without it "
              + "(lookups are misses, answers are kept in memory only) and Redis is tried again every {} ms",
          endpoint,
          describe(error),
          Duration.ofNanos(probeIntervalNanos).toMillis());
    } else {
      LOG.debug(
          "dspy4j redis cache: Redis at {} still unavailable ({})", endpoint, describe(error));
    }
  }

  /** Whether Redis answered the last time it was used. */
  public boolean isUp() {
    return up.get();
  }

  /** How many outages began (each logged one warning). */
  public long outages() {
    return outages.get();
  }

  private static String describe(Throwable error) {
    if (error instanceof java.util.concurrent.TimeoutException
        || error instanceof io.lettuce.core.RedisCommandTimeoutException) {
      return "no answer within the timeout";
    }
    String message = error.getMessage();
    return error.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }
}
