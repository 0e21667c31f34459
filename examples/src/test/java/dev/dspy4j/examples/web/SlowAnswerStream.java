package dev.dspy4j.examples.web;

import dev.dspy4j.core.predict.Prediction;
import dev.dspy4j.core.predict.StreamEvent;
import dev.dspy4j.core.predict.StreamEvent.Done;
import dev.dspy4j.core.predict.StreamEvent.FieldChunk;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import reactor.core.publisher.Flux;

/**
 * A stand-in for {@code ChainOfThought.stream(...)} in the page tests: deterministic reasoning and
 * answer text derived from the question, one word per {@code tokenDelay}, then {@code Done}. It
 * records subscriptions, cancellations and completions as the server saw them.
 */
final class SlowAnswerStream implements Function<String, Flux<StreamEvent>> {

  private final Duration tokenDelay;
  private final int padding;
  final AtomicInteger subscriptions = new AtomicInteger();
  final AtomicInteger completions = new AtomicInteger();

  /**
   * Counted down when the stream completes. A page shows "done" on the {@code Done} event, which
   * reaches it just before the completion is recorded here: a browser test waits for this first.
   */
  final CountDownLatch completed = new CountDownLatch(1);

  final CountDownLatch cancelled = new CountDownLatch(1);

  /**
   * @param tokenDelay time between words
   * @param padding extra reasoning sentences, to make the stream as long as a test needs
   */
  SlowAnswerStream(Duration tokenDelay, int padding) {
    this.tokenDelay = tokenDelay;
    this.padding = padding;
  }

  static String reasoning(String question, int padding) {
    var text = new StringBuilder("Let's think step by step. The question is \"" + question + "\".");
    for (int i = 1; i <= padding; i++) {
      text.append(" Step ")
          .append(i)
          .append(": the local stand-in considers the question once more.");
    }
    return text.append(" The answer follows from the family history of the castle.").toString();
  }

  static String answer(String question) {
    return "A deterministic answer to \""
        + question
        + "\": the castle has five floors, counting the attic"
        + " and the vaulted ground floor, according to this offline stand-in.";
  }

  @Override
  public Flux<StreamEvent> apply(String question) {
    String reasoning = reasoning(question, padding);
    String answer = answer(question);
    var chunks = new ArrayList<FieldChunk>();
    addWords(chunks, "reasoning", reasoning);
    addWords(chunks, "answer", answer);
    return Flux.interval(tokenDelay)
        .take(chunks.size())
        .map(i -> (StreamEvent) chunks.get(i.intValue()))
        .concatWithValues(new Done(Prediction.of(Map.of("reasoning", reasoning, "answer", answer))))
        .doOnSubscribe(s -> subscriptions.incrementAndGet())
        .doOnComplete(
            () -> {
              completions.incrementAndGet();
              completed.countDown();
            })
        .doOnCancel(cancelled::countDown);
  }

  private static void addWords(List<FieldChunk> chunks, String field, String text) {
    String[] words = text.split("(?<=\\S)(?=\\s)");
    for (int i = 0; i < words.length; i++) {
      chunks.add(new FieldChunk(field, words[i], i == words.length - 1));
    }
  }
}
