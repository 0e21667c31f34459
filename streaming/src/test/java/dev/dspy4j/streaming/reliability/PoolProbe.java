package dev.dspy4j.streaming.reliability;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionPoolMetrics;
import reactor.netty.resources.ConnectionProvider;

/**
 * A Reactor Netty connection pool whose metrics the test can read: Reactor Netty hands every
 * per-host pool's live {@link ConnectionPoolMetrics} to this registrar, so a test can check that no
 * connection is still acquired (an exchange nobody closed) or waiting to be acquired.
 */
final class PoolProbe implements ConnectionProvider.MeterRegistrar, AutoCloseable {

  private final Map<String, ConnectionPoolMetrics> pools = new ConcurrentHashMap<>();
  private final ConnectionProvider provider;

  private PoolProbe(String name, int maxConnections) {
    this.provider =
        ConnectionProvider.builder(name)
            .maxConnections(maxConnections)
            .pendingAcquireMaxCount(-1)
            .pendingAcquireTimeout(Duration.ofMinutes(2))
            .metrics(true, () -> this)
            .build();
  }

  /** A pool of at most {@code maxConnections} connections per host. */
  static PoolProbe create(String name, int maxConnections) {
    return new PoolProbe(name, maxConnections);
  }

  @Override
  public void registerMetrics(
      String poolName, String id, SocketAddress remoteAddress, ConnectionPoolMetrics metrics) {
    pools.put(id + "@" + remoteAddress, metrics);
  }

  /** A client on this pool (the LM applies its own timeouts on top). */
  HttpClient httpClient() {
    return HttpClient.create(provider);
  }

  ConnectionProvider provider() {
    return provider;
  }

  /** Connections currently handed out to an exchange, over every host. */
  int acquired() {
    return pools.values().stream().mapToInt(ConnectionPoolMetrics::acquiredSize).sum();
  }

  /** Acquisitions waiting for a free connection, over every host. */
  int pending() {
    return pools.values().stream().mapToInt(ConnectionPoolMetrics::pendingAcquireSize).sum();
  }

  /** Connections open in the pool (acquired or idle), over every host. */
  int allocated() {
    return pools.values().stream().mapToInt(ConnectionPoolMetrics::allocatedSize).sum();
  }

  /** Pools registered so far (one per remote address the client connected to). */
  int poolCount() {
    return pools.size();
  }

  /**
   * Waits until no connection is acquired and no acquisition pending (a connection is released a
   * moment after the subscriber sees the terminal signal), then fails with the counts if not.
   */
  void assertNoActiveConnections(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while ((acquired() != 0 || pending() != 0) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    if (acquired() != 0 || pending() != 0) {
      throw new AssertionError(
          "connections still in use after the test: acquired="
              + acquired()
              + ", pending acquire="
              + pending()
              + ", allocated="
              + allocated());
    }
  }

  @Override
  public void close() {
    provider.disposeLater().block(Duration.ofSeconds(30));
  }

  @Override
  public String toString() {
    return "pool[acquired="
        + acquired()
        + ", pending="
        + pending()
        + ", allocated="
        + allocated()
        + "]";
  }
}
