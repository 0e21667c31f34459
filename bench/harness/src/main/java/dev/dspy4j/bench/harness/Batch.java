package dev.dspy4j.bench.harness;

import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs {@code total} completions keeping at most {@code concurrency} open: each completion (or
 * error) starts the next one from the thread that reported it, so the harness adds no threads of
 * its own.
 */
final class Batch {

  private final StreamClient client;
  private final String prompt;
  private final int total;
  private final int concurrency;
  private final int expectedTokens;
  private final Runnable onAllStreaming;

  private final AtomicInteger next = new AtomicInteger();
  private final AtomicInteger completed = new AtomicInteger();
  private final AtomicInteger errors = new AtomicInteger();
  private final AtomicInteger streaming = new AtomicInteger();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();
  private final AtomicInteger firstTokens = new AtomicInteger();
  private final AtomicLong tokens = new AtomicLong();
  private final AtomicReference<String> firstError = new AtomicReference<>("");
  private final long[] ttftNanos;
  private final CountDownLatch done;

  Batch(
      StreamClient client,
      String prompt,
      int total,
      int concurrency,
      int expectedTokens,
      Runnable onAllStreaming) {
    this.client = client;
    this.prompt = prompt;
    this.total = total;
    this.concurrency = Math.min(concurrency, total);
    this.expectedTokens = expectedTokens;
    this.onAllStreaming = onAllStreaming;
    this.ttftNanos = new long[total];
    Arrays.fill(ttftNanos, -1);
    this.done = new CountDownLatch(total);
  }

  /**
   * Starts the first {@code concurrency} streams and waits until all {@code total} ended or the
   * timeout.
   */
  void run(long timeoutSeconds) throws InterruptedException {
    for (int i = 0; i < concurrency; i++) {
      launchNext();
    }
    if (!done.await(timeoutSeconds, TimeUnit.SECONDS)) {
      long missing = done.getCount();
      errors.addAndGet((int) missing);
      firstError.compareAndSet(
          "", missing + " streams did not finish within " + timeoutSeconds + " s");
    }
  }

  private void launchNext() {
    int i = next.getAndIncrement();
    if (i >= total) {
      return;
    }
    int now = inFlight.incrementAndGet();
    maxInFlight.accumulateAndGet(now, Math::max);
    long t0 = System.nanoTime();
    try {
      client.start(prompt, new Listener(i, t0));
    } catch (RuntimeException e) {
      new Listener(i, t0).onError(e);
    }
  }

  private final class Listener implements StreamListener {
    private final int index;
    private final long startNanos;
    private int count;
    private boolean finished;

    Listener(int index, long startNanos) {
      this.index = index;
      this.startNanos = startNanos;
    }

    @Override
    public void onToken() {
      if (count++ == 0) {
        ttftNanos[index] = System.nanoTime() - startNanos;
        if (firstTokens.incrementAndGet() == total && onAllStreaming != null) {
          onAllStreaming.run();
        }
      }
    }

    @Override
    public void onComplete() {
      synchronized (this) {
        if (finished) {
          return;
        }
        finished = true;
      }
      if (client.countsTokens() && count != expectedTokens) {
        fail("stream ended after " + count + " text deltas, expected " + expectedTokens);
        return;
      }
      tokens.addAndGet(expectedTokens);
      completed.incrementAndGet();
      end();
    }

    @Override
    public void onError(Throwable error) {
      synchronized (this) {
        if (finished) {
          return;
        }
        finished = true;
      }
      fail(error.getClass().getSimpleName() + ": " + error.getMessage());
    }

    private void fail(String why) {
      errors.incrementAndGet();
      firstError.compareAndSet("", why);
      end();
    }

    private void end() {
      inFlight.decrementAndGet();
      done.countDown();
      launchNext();
    }
  }

  int completed() {
    return completed.get();
  }

  int errors() {
    return errors.get();
  }

  long tokens() {
    return tokens.get();
  }

  int maxInFlight() {
    return maxInFlight.get();
  }

  String firstError() {
    return firstError.get();
  }

  /** Percentile of time to first token in microseconds over streams that got one. */
  double ttftPercentileMicros(double p) {
    long[] got = Arrays.stream(ttftNanos).filter(v -> v >= 0).sorted().toArray();
    if (got.length == 0) {
      return Double.NaN;
    }
    int idx = (int) Math.ceil(p / 100.0 * got.length) - 1;
    return got[Math.max(0, Math.min(idx, got.length - 1))] / 1000.0;
  }
}
