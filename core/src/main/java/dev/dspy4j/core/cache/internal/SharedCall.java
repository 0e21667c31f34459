package dev.dspy4j.core.cache.internal;

import dev.dspy4j.core.cache.CacheKey;
import dev.dspy4j.core.lm.LmResponse;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * One in-flight network call shared by every concurrent identical request (its "waiters").
 *
 * <p>The result is delivered to every waiter, whenever it joined. A waiter that cancels only
 * leaves; the network call is cancelled when the last waiter has left before it finished. The call
 * leaves the in-flight table before its result is delivered, and (by the caller's design) only
 * after a successful result was stored, so a request arriving later finds either this call or the
 * cache.
 */
public final class SharedCall {

  /** Waiter count; {@link #CLOSED} once the last waiter left early. Never rests at 0. */
  private final AtomicInteger waiters = new AtomicInteger(1);

  private static final int CLOSED = -1;

  private final CacheKey key;
  private final ConcurrentMap<CacheKey, SharedCall> table;
  private final Sinks.One<LmResponse> result = Sinks.one();
  private final AtomicBoolean done = new AtomicBoolean();
  private final Disposable.Swap upstream = Disposables.swap();

  SharedCall(CacheKey key, ConcurrentMap<CacheKey, SharedCall> table) {
    this.key = key;
    this.table = table;
  }

  /** Adds a waiter unless the call was already abandoned by all its waiters. */
  boolean tryJoin() {
    while (true) {
      int n = waiters.get();
      if (n == CLOSED) return false;
      if (waiters.compareAndSet(n, n + 1)) return true;
    }
  }

  /**
   * Removes a waiter that stopped waiting (cancelled). Returns true if the call is still running
   * for other waiters; false if it had finished, or if this was the last waiter (the network call
   * is then cancelled).
   */
  public boolean leave() {
    if (done.get()) return false;
    while (true) {
      int n = waiters.get();
      if (n == CLOSED) return false;
      if (n == 1) {
        if (waiters.compareAndSet(1, CLOSED)) {
          close();
          return false;
        }
      } else if (waiters.compareAndSet(n, n - 1)) {
        return true;
      }
    }
  }

  /** Hands the running network call over, so that the last waiter leaving can cancel it. */
  public void attach(Disposable networkCall) {
    upstream.update(networkCall);
  }

  /** Emits the result to every waiter, present and future. */
  public Mono<LmResponse> result() {
    return result.asMono();
  }

  /** Ends the call with an answer (after it was stored, if it is to be stored). */
  public void succeed(LmResponse response) {
    if (done.compareAndSet(false, true)) {
      table.remove(key, this);
      result.tryEmitValue(response);
    }
  }

  /** Ends the call with an error, delivered to every current waiter; nothing is cached. */
  public void fail(Throwable error) {
    if (done.compareAndSet(false, true)) {
      table.remove(key, this);
      result.tryEmitError(error);
    }
  }

  private void close() {
    if (done.compareAndSet(false, true)) {
      table.remove(key, this);
      upstream.dispose();
      result.tryEmitEmpty();
    }
  }
}
