package dev.dspy4j.bench.harness;

/** Receives what one stream produced; calls for one stream never overlap. */
public interface StreamListener {

  /** One non-empty text delta (or, for a client that decodes nothing, one body buffer). */
  void onToken();

  /** The stream ended normally (after the usage chunk and {@code [DONE]}). */
  void onComplete();

  /** The stream failed; {@code error} says why. */
  void onError(Throwable error);
}
