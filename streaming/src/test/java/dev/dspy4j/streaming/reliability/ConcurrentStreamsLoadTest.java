package dev.dspy4j.streaming.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.streaming.LM;
import dev.dspy4j.streaming.testing.LoopbackServer;
import dev.dspy4j.streaming.testing.NettyLeakDetectionExtension;
import dev.dspy4j.streaming.testing.Sse;
import dev.dspy4j.streaming.testing.TestLms;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * 10,000 concurrent streams ({@code -Dload.streams=10000}; 2,000 in the default build) against a
 * loopback server that streams slowly, each cancelled at a random point (before it got a
 * connection, while waiting for one, mid-stream, by take(n) or by a timeout operator). Afterwards:
 * no connection acquired or open on either side, no leaked buffer, and the live thread count back
 * to its baseline. The figures are printed for the reliability note.
 *
 * <p>The pool holds at most a quarter as many connections as there are streams (2,000 at most):
 * with the server in the same JVM each connection costs two file descriptors and the machine allows
 * 20,000, so the other streams wait for a connection, which exercises cancelling a pending
 * acquisition too.
 */
class ConcurrentStreamsLoadTest {

  /**
   * 10,000 with {@code -Dload.streams=10000}; the default build runs 2,000 to stay fast on a loaded
   * machine.
   */
  private static final int STREAMS = Integer.getInteger("load.streams", 2_000);

  private static final int MAX_CONNECTIONS = Math.min(2_000, STREAMS / 4);
  private static final Duration WAIT = Duration.ofSeconds(60 + STREAMS / 40);

  private static int liveThreads() {
    return ManagementFactory.getThreadMXBean().getThreadCount();
  }

  private static long heapAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static LM lm(String apiBase, PoolProbe pool) {
    return TestLms.builder(apiBase)
        .cache(false)
        .httpClient(pool.httpClient())
        .numRetries(0)
        .connectTimeout(Duration.ofSeconds(30))
        .build();
  }

  @Test
  void tenThousandStreamsCancelledAtRandomLeaveNoConnectionThreadOrBufferBehind() throws Exception {
    try (LoopbackServer server =
        LoopbackServer.start(
            s -> s.option(io.netty.channel.ChannelOption.SO_BACKLOG, 4096),
            (req, res) ->
                req.receive()
                    .then(
                        res.header("Content-Type", "text/event-stream")
                            .sendString(
                                Flux.just(Sse.roleChunk())
                                    // Demand-driven (not Flux.interval): a slow reader slows the
                                    // server instead of failing it.
                                    .concatWith(
                                        Flux.range(0, 200)
                                            .delayElements(Duration.ofMillis(50))
                                            .map(i -> Sse.text("t" + i + " ")))
                                    // A stream whose timeout never fires (tokens keep coming)
                                    // reaches a proper end.
                                    .concatWith(Flux.just(Sse.finish("stop"), Sse.done())))
                            .then()))) {
      // Warm up: event loops, timers and the parallel scheduler exist before the baseline.
      try (PoolProbe warm = PoolProbe.create("load-warm-up", 10)) {
        lm(server.apiBase(), warm).tokens("warm up").take(2).blockLast(WAIT);
        lm(server.apiBase(), warm).tokens("warm up").take(Duration.ofMillis(150)).blockLast(WAIT);
        Schedulers.parallel().schedule(() -> {}, 1, TimeUnit.MILLISECONDS);
        warm.assertNoActiveConnections(WAIT);
      }
      awaitServerConnectionsClosed(server);
      int threadsBefore = liveThreads();
      long heapBefore = heapAfterGc();
      int serverOpenedBefore = server.connectionsOpened();

      PoolProbe pool = PoolProbe.create("load", MAX_CONNECTIONS);
      LM lm = lm(server.apiBase(), pool);
      var random = new Random(10_000);
      var tokens = new AtomicInteger();
      var completed = new AtomicInteger();
      var unexpected = new ArrayList<Throwable>();
      var disposables = new ArrayList<Disposable>(STREAMS);
      int peakAcquired = 0;
      long start = System.nanoTime();
      for (int i = 0; i < STREAMS; i++) {
        Flux<String> stream =
            lm.tokens("stream " + i)
                .doOnNext(t -> tokens.incrementAndGet())
                .doOnComplete(completed::incrementAndGet);
        int mode = random.nextInt(3);
        Disposable d;
        if (mode == 0) {
          stream = stream.take(1 + random.nextInt(3));
        } else if (mode == 1) {
          stream =
              stream
                  .timeout(Duration.ofMillis(50 + random.nextInt(1000)))
                  .onErrorResume(TimeoutException.class, e -> Mono.empty());
        }
        d =
            stream.subscribe(
                t -> {},
                e -> {
                  synchronized (unexpected) {
                    unexpected.add(e);
                  }
                });
        disposables.add(d);
        if (mode == 2) {
          // Disposed by the test after a random delay: before, while or after getting a connection.
          long delay = random.nextInt(1500);
          Schedulers.parallel().schedule(d::dispose, delay, TimeUnit.MILLISECONDS);
        }
      }
      // A subscription is disposed once it completed, failed or was cancelled.
      long deadline = System.nanoTime() + WAIT.toNanos();
      long nextReport = System.nanoTime();
      long live;
      while ((live = disposables.stream().filter(d -> !d.isDisposed()).count()) > 0
          && System.nanoTime() < deadline) {
        peakAcquired = Math.max(peakAcquired, pool.acquired());
        if (System.nanoTime() >= nextReport) {
          System.out.printf(
              "load: %d ms, %d streams live, %s, %d tokens%n",
              (System.nanoTime() - start) / 1_000_000, live, pool, tokens.get());
          nextReport += 5_000_000_000L;
        }
        Thread.sleep(50);
      }
      long elapsedMs = (System.nanoTime() - start) / 1_000_000;
      long stillLive = disposables.stream().filter(d -> !d.isDisposed()).count();
      System.out.printf(
          "load: %d streams subscribed, all ended or cancelled after %d ms (%d still live)%n",
          STREAMS, elapsedMs, stillLive);
      assertThat(stillLive).as("every stream ended or was cancelled within the wait").isZero();
      assertThat(unexpected).as("no stream failed").isEmpty();

      pool.assertNoActiveConnections(WAIT);
      // Streams that ran to [DONE] hand their connection back for reuse: those may stay idle in the
      // pool (kept alive); every cancelled exchange must have been closed instead.
      int idleAfter = pool.allocated();
      int serverConnections = server.connectionsOpened() - serverOpenedBefore;
      int completedStreams = completed.get();
      pool.close();
      awaitServerConnectionsClosed(server);
      int openAtServer = server.connectionsOpened() - server.connectionsClosed();

      List<String> leaks = NettyLeakDetectionExtension.collectLeaks(3);
      long threadDeadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (liveThreads() > threadsBefore + 2 && System.nanoTime() < threadDeadline) {
        Thread.sleep(100);
      }
      int threadsAfter = liveThreads();
      long heapAfter = heapAfterGc();

      System.out.printf(
          "load: %d streams in %d ms, %d tokens delivered, %d server connections, peak %d acquired "
              + "(pool max %d)%n",
          STREAMS, elapsedMs, tokens.get(), serverConnections, peakAcquired, MAX_CONNECTIONS);
      System.out.printf(
          "load: afterwards acquired=%d pending=%d idle (kept alive)=%d, open at the server after the pool closed=%d, leaks=%d%n",
          pool.acquired(), pool.pending(), idleAfter, openAtServer, leaks.size());
      System.out.printf(
          "load: live threads %d before, %d after; heap after GC %.1f MiB before, %.1f MiB after%n",
          threadsBefore, threadsAfter, heapBefore / 1048576.0, heapAfter / 1048576.0);

      assertThat(idleAfter)
          .as("only connections of streams that ran to [DONE] may stay idle in the pool")
          .isLessThanOrEqualTo(completedStreams);
      assertThat(openAtServer)
          .as("the server sees every connection closed once the pool is closed")
          .isZero();
      assertThat(leaks).as("no Netty buffer leaked").isEmpty();
      assertThat(threadsAfter)
          .as("live threads back to the baseline")
          .isLessThanOrEqualTo(threadsBefore + 2);
      assertThat(heapAfter)
          .as("the streams' memory was released")
          .isLessThan(heapBefore + (64L << 20));
    }
  }

  private static void awaitServerConnectionsClosed(LoopbackServer server)
      throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (server.connectionsOpened() != server.connectionsClosed()
        && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
  }
}
