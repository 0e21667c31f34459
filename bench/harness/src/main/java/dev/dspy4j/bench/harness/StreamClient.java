package dev.dspy4j.bench.harness;

/**
 * One client library under test, wrapped so the harness can drive it.
 *
 * <p>{@link #start} begins one streaming chat completion and returns at once; the client reports
 * every non-empty text delta, then exactly one completion or error, to the listener from whatever
 * thread the library uses. If the library can only block, the adapter must not hide that: it uses
 * the library's own async entry point, whatever threads that costs.
 */
public interface StreamClient extends AutoCloseable {

  /** Starts one streaming completion of {@code prompt}; never blocks for the stream's duration. */
  void start(String prompt, StreamListener listener);

  /**
   * Whether {@link StreamListener#onToken()} is called once per text delta (so the harness can
   * check the count against the server's script). The floor counts bytes only and returns false.
   */
  default boolean countsTokens() {
    return true;
  }

  /** Releases the library's pools and threads. */
  @Override
  void close();
}
