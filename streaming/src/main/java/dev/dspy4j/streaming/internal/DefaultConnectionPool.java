package dev.dspy4j.streaming.internal;

import java.time.Duration;
import reactor.netty.resources.ConnectionProvider;

/**
 * The connection pool shared by every LM that was not given its own client: up to 500 connections
 * per remote host, idle connections closed after 30 s (before typical server idle timeouts), and
 * callers queue for a free connection rather than fail at once.
 */
public final class DefaultConnectionPool {

  private static final ConnectionProvider POOL =
      ConnectionProvider.builder("dspy4j-lm")
          .maxConnections(500)
          .pendingAcquireMaxCount(-1)
          .pendingAcquireTimeout(Duration.ofMinutes(5))
          .maxIdleTime(Duration.ofSeconds(30))
          .evictInBackground(Duration.ofSeconds(30))
          .build();

  private DefaultConnectionPool() {}

  /** The shared pool. */
  public static ConnectionProvider get() {
    return POOL;
  }
}
