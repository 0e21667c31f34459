package dev.dspy4j.core.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.core.lm.Message;
import dev.dspy4j.core.signature.Signature;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The ChatAdapter makes the parts of a prompt that depend on the signature only (the system
 * message, the output reminder) once per signature and reuses them: the messages stay byte for byte
 * those of a fresh adapter, for any number of signatures, across threads.
 */
class ChatAdapterFormatReuseTest {

  private static final Map<String, Object> INPUTS = Map.of("question", "What is 2+2?");

  @Test
  void theSystemMessageOfASignatureIsMadeOnceAndReused() {
    var adapter = new ChatAdapter();
    Signature signature = Signature.parse("question -> reasoning, answer");

    List<Message> first = adapter.format(signature, List.of(), INPUTS);
    List<Message> second = adapter.format(signature, List.of(), Map.of("question", "And 3+3?"));

    assertThat(second.get(0)).as("the same system message, not made again").isSameAs(first.get(0));
    assertThat(first).isEqualTo(new ChatAdapter().format(signature, List.of(), INPUTS));
    assertThat(second.get(1).content())
        .isEqualTo(
            "[[ ## question ## ]]\nAnd 3+3?\n\n"
                + "Respond with the corresponding output fields, starting with the field"
                + " `[[ ## reasoning ## ]]`, then `[[ ## answer ## ]]`, and then ending with the"
                + " marker for `[[ ## completed ## ]]`.");
  }

  @Test
  void manySignaturesInTurnGetTheirOwnPromptsByteForByte() {
    var adapter = new ChatAdapter();
    List<Signature> signatures = signatures(50);
    for (int round = 0; round < 3; round++) {
      for (Signature s : signatures) {
        assertThat(adapter.format(s, List.of(), INPUTS))
            .as("%s, round %d", s, round)
            .isEqualTo(new ChatAdapter().format(s, List.of(), INPUTS));
      }
    }
  }

  @Test
  void equalButDistinctSignaturesAndTheJsonAdapterKeepTheirOwnPrompts() {
    Signature a = Signature.parse("question -> answer");
    Signature b = Signature.parse("question -> answer").withInstructions("Answer tersely.");
    var chat = new ChatAdapter();
    var json = new JsonAdapter();

    assertThat(chat.format(a, List.of(), INPUTS).get(0).content())
        .doesNotContain("Answer tersely.");
    assertThat(chat.format(b, List.of(), INPUTS).get(0).content()).contains("Answer tersely.");
    assertThat(json.format(a, List.of(), INPUTS))
        .isEqualTo(new JsonAdapter().format(a, List.of(), INPUTS))
        .isNotEqualTo(chat.format(a, List.of(), INPUTS));
  }

  @Test
  void concurrentCallsWithManySignaturesGetTheirOwnPrompts() throws Exception {
    var adapter = new ChatAdapter();
    List<Signature> signatures = signatures(40);
    var expected = new ArrayList<List<Message>>();
    for (Signature s : signatures) expected.add(new ChatAdapter().format(s, List.of(), INPUTS));
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      var tasks = new ArrayList<Callable<Integer>>();
      for (int t = 0; t < 4; t++) {
        int offset = t * 7;
        tasks.add(
            () -> {
              int checked = 0;
              for (int i = 0; i < 2_000; i++) {
                int k = (i + offset) % signatures.size();
                assertThat(adapter.format(signatures.get(k), List.of(), INPUTS))
                    .isEqualTo(expected.get(k));
                checked++;
              }
              return checked;
            });
      }
      for (Future<Integer> f : pool.invokeAll(tasks)) assertThat(f.get()).isEqualTo(2_000);
    } finally {
      pool.shutdownNow();
    }
  }

  private static List<Signature> signatures(int n) {
    var out = new ArrayList<Signature>();
    for (int i = 0; i < n; i++) {
      out.add(
          Signature.parse("question -> answer_" + i + ", score: " + (i % 2 == 0 ? "int" : "bool"))
              .withInstructions("Task number " + i + "."));
    }
    return out;
  }
}
