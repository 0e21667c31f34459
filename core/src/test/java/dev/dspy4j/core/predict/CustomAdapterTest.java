package dev.dspy4j.core.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dspy4j.core.adapter.Adapter;
import dev.dspy4j.core.adapter.AdapterParseException;
import dev.dspy4j.core.adapter.ChatAdapter;
import dev.dspy4j.core.adapter.FieldSplitter;
import dev.dspy4j.core.lm.LanguageModel;
import dev.dspy4j.core.lm.LmChunk;
import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.core.lm.LmResponse;
import dev.dspy4j.core.lm.Message;
import dev.dspy4j.core.predict.StreamEvent.Done;
import dev.dspy4j.core.predict.StreamEvent.FieldChunk;
import dev.dspy4j.core.predict.StreamEvent.Status;
import dev.dspy4j.core.signature.Field;
import dev.dspy4j.core.signature.Signature;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A custom adapter decides its own field streaming and its own fallback: {@code Predict} asks the
 * adapter ({@link Adapter#fieldSplitter}, {@link Adapter#fallback}) instead of assuming ChatAdapter
 * behaviour.
 */
class CustomAdapterTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final Map<String, Object> QUESTION = Map.of("question", "What is 2+2?");

  @Test
  void aCustomAdapterStreamsThroughItsOwnSplitter() {
    var lm = new ScriptedLm("reasoning: two and two\nanswer: 4\n");
    var module =
        Predict.of("question -> reasoning, answer").withAdapter(new LineAdapter()).withLm(lm);

    List<StreamEvent> events = module.stream(QUESTION).collectList().block(TIMEOUT);

    assertThat(events).hasSize(3);
    assertThat(events.subList(0, 2))
        .containsExactly(
            new FieldChunk("reasoning", "two and two", true), new FieldChunk("answer", "4", true));
    assertThat(((Done) events.get(2)).prediction().get("answer")).isEqualTo("4");
    assertThat(lm.requests.get(0).messages().get(0).content()).startsWith("Answer in lines");
  }

  @Test
  void aCustomAdapterWithoutASplitterStreamsOnlyItsPrediction() {
    // The answer carries ChatAdapter markers: a ChatAdapter splitter would make chunks of it.
    var lm = new ScriptedLm("[[ ## answer ## ]]\n4\n\n[[ ## completed ## ]]");
    var module =
        Predict.of("question -> answer").withAdapter(new MarkerStrippingAdapter()).withLm(lm);

    List<StreamEvent> events = module.stream(QUESTION).collectList().block(TIMEOUT);

    assertThat(events).hasSize(1);
    assertThat(((Done) events.get(0)).prediction().get("answer")).isEqualTo("4");
  }

  @Test
  void aCustomAdaptersOwnFallbackIsTheOneRetriedWith() {
    var lm = new ScriptedLm("not parseable", "answer: 4\n");
    var module =
        Predict.of("question -> answer")
            .withAdapter(new FailingAdapter(Optional.of(new LineAdapter())))
            .withLm(lm);

    Prediction called = module.call(QUESTION).block(TIMEOUT);

    assertThat(called.get("answer")).isEqualTo("4");
    assertThat(lm.requests).hasSize(2);
    assertThat(lm.requests.get(1).messages().get(0).content())
        .as("the retry is formatted by the fallback")
        .startsWith("Answer in lines");

    var streamed = new ScriptedLm("not parseable", "answer: 4\n");
    List<StreamEvent> events =
        module.withLm(streamed).stream(QUESTION).collectList().block(TIMEOUT);
    assertThat(events).hasSize(3);
    assertThat(events.get(0))
        .isEqualTo(new Status("Failing could not parse the answer; retrying with Lines"));
    assertThat(events.get(1)).isEqualTo(new FieldChunk("answer", "4", true));
    assertThat(((Done) events.get(2)).prediction().get("answer")).isEqualTo("4");
  }

  @Test
  void aCustomAdapterWithoutAFallbackFailsAfterOneCall() {
    var lm = new ScriptedLm("not parseable", "answer: 4\n");
    var module =
        Predict.of("question -> answer")
            .withAdapter(new FailingAdapter(Optional.empty()))
            .withLm(lm);

    assertThatThrownBy(() -> module.call(QUESTION).block(TIMEOUT))
        .isInstanceOf(AdapterParseException.class);
    assertThat(lm.requests).hasSize(1);
  }

  @Test
  void aChatAdapterSubclassMayDeclineTheJsonFallback() {
    var lm = new ScriptedLm("no markers here", "{\"answer\": \"4\"}");
    var noFallback =
        new ChatAdapter() {
          @Override
          public Optional<Adapter> fallback() {
            return Optional.empty();
          }
        };
    var module = Predict.of("question -> answer").withAdapter(noFallback).withLm(lm);

    assertThatThrownBy(() -> module.call(QUESTION).block(TIMEOUT))
        .isInstanceOf(AdapterParseException.class);
    assertThat(lm.requests).hasSize(1);
  }

  @Test
  void switchingTheFallbackOffAlsoAppliesToACustomAdaptersFallback() {
    var lm = new ScriptedLm("not parseable", "answer: 4\n");
    var module =
        Predict.of("question -> answer")
            .withAdapter(new FailingAdapter(Optional.of(new LineAdapter())))
            .withJsonFallback(false)
            .withLm(lm);

    assertThatThrownBy(() -> module.call(QUESTION).block(TIMEOUT))
        .isInstanceOf(AdapterParseException.class);
    assertThat(lm.requests).hasSize(1);
  }

  /** Asks for {@code name: value} lines, parses them, and streams each line as a whole field. */
  private static final class LineAdapter implements Adapter {
    @Override
    public String name() {
      return "Lines";
    }

    @Override
    public List<Message> format(
        Signature signature, List<? extends Map<String, ?>> demos, Map<String, ?> inputs) {
      var outputs = signature.outputs().stream().map(Field::name).toList();
      return List.of(Message.user("Answer in lines " + outputs + " for " + inputs));
    }

    @Override
    public Map<String, Object> parse(Signature signature, String completion) {
      var values = new LinkedHashMap<String, Object>();
      for (String line : completion.split("\n")) {
        int colon = line.indexOf(": ");
        if (colon > 0) values.put(line.substring(0, colon), line.substring(colon + 2));
      }
      var expected = signature.outputs().stream().map(Field::name).toList();
      if (!values.keySet().containsAll(expected)) {
        throw new AdapterParseException(
            name(), completion, expected, List.copyOf(values.keySet()), null, null);
      }
      return values;
    }

    @Override
    public Optional<FieldSplitter> fieldSplitter(Signature signature, Set<String> streamed) {
      return Optional.of(
          new FieldSplitter() {
            private final StringBuilder line = new StringBuilder();

            @Override
            public void accept(String delta, Sink sink) {
              for (char c : delta.toCharArray()) {
                if (c != '\n') {
                  line.append(c);
                  continue;
                }
                int colon = line.indexOf(": ");
                if (colon > 0 && streamed.contains(line.substring(0, colon))) {
                  sink.field(line.substring(0, colon), line.substring(colon + 2), true);
                }
                line.setLength(0);
              }
            }

            @Override
            public void finish(Sink sink) {}
          });
    }
  }

  /** Only the three required methods: no field streaming, no fallback. */
  private static final class MarkerStrippingAdapter implements Adapter {
    @Override
    public String name() {
      return "Markers";
    }

    @Override
    public List<Message> format(
        Signature signature, List<? extends Map<String, ?>> demos, Map<String, ?> inputs) {
      return List.of(Message.user(String.valueOf(inputs)));
    }

    @Override
    public Map<String, Object> parse(Signature signature, String completion) {
      return Map.of(
          "answer",
          completion
              .replace("[[ ## answer ## ]]", "")
              .replace("[[ ## completed ## ]]", "")
              .strip());
    }
  }

  /** Never parses; falls back to the given adapter, if any. */
  private record FailingAdapter(Optional<Adapter> fallback) implements Adapter {
    @Override
    public String name() {
      return "Failing";
    }

    @Override
    public List<Message> format(
        Signature signature, List<? extends Map<String, ?>> demos, Map<String, ?> inputs) {
      return List.of(Message.user("Say anything about " + inputs));
    }

    @Override
    public Map<String, Object> parse(Signature signature, String completion) {
      throw new AdapterParseException(
          name(), completion, List.of("answer"), null, "never parses", null);
    }
  }

  /**
   * Answers the given texts in sequence, streamed in two-character tokens; records its requests.
   */
  private static final class ScriptedLm implements LanguageModel {
    private final List<String> answers;
    private final AtomicInteger next = new AtomicInteger();
    final List<LmRequest> requests = new CopyOnWriteArrayList<>();

    ScriptedLm(String... answers) {
      this.answers = List.of(answers);
    }

    @Override
    public String model() {
      return "scripted";
    }

    @Override
    public Mono<LmResponse> complete(LmRequest request) {
      return Mono.fromCallable(() -> LmResponse.builder(List.of(answer(request))).build());
    }

    @Override
    public Flux<LmChunk> stream(LmRequest request) {
      return Flux.defer(
          () -> {
            String text = answer(request);
            var chunks = new ArrayList<LmChunk>();
            for (int i = 0; i < text.length(); i += 2)
              chunks.add(LmChunk.ofText(text.substring(i, Math.min(text.length(), i + 2))));
            return Flux.fromIterable(chunks);
          });
    }

    private String answer(LmRequest request) {
      requests.add(request);
      return answers.get(next.getAndIncrement());
    }
  }
}
