package dev.dspy4j.streaming.testing;

import dev.dspy4j.test.OpenAiSse;

/**
 * The streaming tests' short name for {@link OpenAiSse} (dspy4j-test owns these bodies); every
 * method delegates.
 */
public final class Sse {

  private Sse() {}

  /** {@link OpenAiSse#json}. */
  public static String json(String s) {
    return OpenAiSse.json(s);
  }

  /** {@link OpenAiSse#event}. */
  public static String event(String payload) {
    return OpenAiSse.event(payload);
  }

  /** {@link OpenAiSse#roleChunk}. */
  public static String roleChunk() {
    return OpenAiSse.roleChunk();
  }

  /** {@link OpenAiSse#text(String)}. */
  public static String text(String text) {
    return OpenAiSse.text(text);
  }

  /** {@link OpenAiSse#text(int, String)}. */
  public static String text(int index, String text) {
    return OpenAiSse.text(index, text);
  }

  /** {@link OpenAiSse#finish}. */
  public static String finish(String reason) {
    return OpenAiSse.finish(reason);
  }

  /** {@link OpenAiSse#usage}. */
  public static String usage(int prompt, int completion) {
    return OpenAiSse.usage(prompt, completion);
  }

  /** {@link OpenAiSse#done}. */
  public static String done() {
    return OpenAiSse.done();
  }

  /** {@link OpenAiSse#stream}. */
  public static String stream(String... texts) {
    return OpenAiSse.stream(texts);
  }

  /** {@link OpenAiSse#completion}. */
  public static String completion(String... texts) {
    return OpenAiSse.completion(texts);
  }
}
