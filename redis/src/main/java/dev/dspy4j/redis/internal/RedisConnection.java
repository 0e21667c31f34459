package dev.dspy4j.redis.internal;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.reactive.RedisReactiveCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.lettuce.core.resource.NettyCustomizer;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * One Lettuce connection, opened on first use (never in a constructor, never blocking). A failed
 * first connect is tried again on a later use; once connected, Lettuce reconnects by itself after
 * Redis restarts. While disconnected, commands are rejected at once instead of queued, so an outage
 * costs a call nothing but a miss.
 *
 * <p>Commands are written from the connection's own event loop. Lettuce counts a connection's
 * writers under a lock, and two threads writing at once make one of them wait for it: measured, an
 * event loop parked there when responses completing on several of Reactor Netty's loops stored
 * their answers together. Written from the one thread that also reads and reconnects, a command
 * never waits. The hop costs nothing measurable: a write from any other thread is handed to that
 * loop by Netty anyway.
 */
public final class RedisConnection {

  /** Commands queued while Redis is slow: beyond this, a command fails at once (a miss). */
  private static final int REQUEST_QUEUE_SIZE = 10_000;

  private final RedisURI uri;
  private final ClientResources resources;
  private final RedisClient client;
  private final AtomicReference<
          @Nullable CompletableFuture<StatefulRedisConnection<String, String>>>
      current = new AtomicReference<>();
  private final Duration connectTimeout;
  private volatile @Nullable WriterLoop writerLoop;
  private volatile boolean closed;

  /** The current channel's event loop, and the same as a scheduler. */
  private record WriterLoop(EventLoop loop, Scheduler scheduler) {}

  /**
   * A connection to {@code uri}; waiting longer than {@code connectTimeout} to connect, or longer
   * than {@code commandTimeout} for a command's reply, fails.
   */
  public RedisConnection(RedisURI uri, Duration connectTimeout, Duration commandTimeout) {
    this.uri = uri;
    this.connectTimeout = connectTimeout;
    this.resources =
        ClientResources.builder()
            // After a restart, reconnect within about a second (Lettuce's default backs off to 30
            // s).
            .reconnectDelay(
                Delay.exponential(
                    Duration.ofMillis(50), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
            .nettyCustomizer(
                new NettyCustomizer() {
                  @Override
                  public void afterChannelInitialized(Channel channel) {
                    // Each (re)connect: a new channel, perhaps on another loop of Lettuce's group.
                    writerLoop =
                        new WriterLoop(
                            channel.eventLoop(), Schedulers.fromExecutor(channel.eventLoop()));
                  }
                })
            .build();
    this.client = RedisClient.create(resources, uri);
    client.setOptions(
        ClientOptions.builder()
            .autoReconnect(true)
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .requestQueueSize(REQUEST_QUEUE_SIZE)
            .socketOptions(
                SocketOptions.builder()
                    .connectTimeout(connectTimeout)
                    .keepAlive(true)
                    .tcpNoDelay(true)
                    .build())
            // Lettuce's own command timeout (one shared wheel timer): far cheaper per command than
            // a
            // Reactor timeout, which schedules and cancels a task on a scheduler for every
            // operation.
            .timeoutOptions(TimeoutOptions.builder().fixedTimeout(commandTimeout).build())
            .build());
  }

  /**
   * The reactive commands, connecting first if needed. Errors if the connection cannot be opened
   * within the connect timeout (the next call tries again). Cancelling does not abort a connect in
   * progress.
   */
  private Mono<RedisReactiveCommands<String, String>> commands() {
    return Mono.defer(
        () -> {
          if (closed) return Mono.error(new IllegalStateException("the Redis cache was closed"));
          CompletableFuture<StatefulRedisConnection<String, String>> connecting = current.get();
          if (connecting != null && connecting.isDone() && !connecting.isCompletedExceptionally()) {
            return Mono.just(
                connecting.getNow(null).reactive()); // connected: the common, cheap path
          }
          if (connecting == null || connecting.isCompletedExceptionally()) {
            var fresh = client.connectAsync(StringCodec.UTF8, uri).toCompletableFuture();
            if (current.compareAndSet(connecting, fresh)) {
              connecting = fresh;
            } else {
              fresh.thenAccept(StatefulRedisConnection::closeAsync);
              connecting = current.get();
              if (connecting == null)
                return Mono.error(new IllegalStateException("the Redis cache was closed"));
            }
          }
          return Mono.fromFuture(connecting, true)
              .timeout(connectTimeout)
              .map(StatefulRedisConnection::reactive);
        });
  }

  /**
   * Runs {@code command} (connecting first if needed, see {@link #commands()}), subscribing to it —
   * which writes it — on the connection's event loop unless already there (see the class comment).
   */
  public <T> Mono<T> run(Function<RedisReactiveCommands<String, String>, Mono<T>> command) {
    return commands()
        .flatMap(
            commands -> {
              Mono<T> written = command.apply(commands);
              WriterLoop writer = writerLoop;
              return writer == null || writer.loop().inEventLoop()
                  ? written
                  : written.subscribeOn(writer.scheduler());
            });
  }

  /** Whether {@link #close()} was called. */
  public boolean isClosed() {
    return closed;
  }

  /** Closes the connection and releases Lettuce's threads; completes when they are released. */
  public Mono<Void> close() {
    return Mono.defer(
        () -> {
          closed = true;
          var connecting = current.getAndSet(null);
          Mono<Void> closeConnection =
              connecting == null
                  ? Mono.empty()
                  : Mono.fromFuture(connecting, true)
                      .flatMap(c -> Mono.fromFuture(c.closeAsync()))
                      .onErrorResume(e -> Mono.empty())
                      .then();
          return closeConnection
              .then(Mono.fromFuture(() -> client.shutdownAsync(0, 2, TimeUnit.SECONDS)))
              .then(
                  Mono.<Void>create(
                      sink ->
                          resources
                              .shutdown(0, 2, TimeUnit.SECONDS)
                              .addListener(done -> sink.success())));
        });
  }
}
