package dev.dspy4j.kafka.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.core.Dspy;
import dev.dspy4j.core.predict.Predict;
import dev.dspy4j.kafka.KafkaRun;
import dev.dspy4j.kafka.KafkaRunner;
import dev.dspy4j.kafka.KafkaRunnerProgress;
import dev.dspy4j.streaming.LM;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.jspecify.annotations.Nullable;

/** Input records, runner set-up and output reading shared by the Kafka tests. */
public final class Inputs {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Inputs() {}

  /**
   * {@code count} questions {@code q-0..}, keys {@code k-i}, spread round-robin over the
   * partitions.
   */
  public static List<ProducerRecord<byte[], byte[]>> questions(
      String topic, int count, int partitions) {
    var out = new ArrayList<ProducerRecord<byte[], byte[]>>();
    for (int i = 0; i < count; i++) {
      out.add(
          new ProducerRecord<>(
              topic, i % partitions, bytes("k-" + i), bytes("{\"question\":\"q-" + i + "\"}")));
    }
    return out;
  }

  /** A runner builder of a {@code question -> answer} Predict whose LM talks to {@code gateway}. */
  public static KafkaRunner.Builder runner(
      TestGateway gateway, String group, String in, String out, String failed) {
    LM lm =
        LM.builder("gpt-4o-mini")
            .apiKey("sk-kafka-test-key")
            .apiBase(gateway.apiBase())
            .cache(false)
            .build();
    return KafkaRunner.builder(Predict.of("question -> answer"))
        .bootstrapServers(EmbeddedKafka.bootstrapServers())
        .groupId(group)
        .inputTopic(in)
        .outputTopic(out)
        .failureTopic(failed)
        .contextWrite(Dspy.withLm(lm));
  }

  /**
   * Waits (polling) until the run's progress satisfies {@code condition}; fails after {@code
   * timeout}.
   */
  public static KafkaRunnerProgress await(
      KafkaRun run, Predicate<KafkaRunnerProgress> condition, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      KafkaRunnerProgress p = run.progress();
      if (condition.test(p)) return p;
      if (System.nanoTime() > deadline)
        throw new AssertionError("timed out; progress: " + p.summary());
      Thread.sleep(20);
    }
  }

  public static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  public static @Nullable String text(byte @Nullable [] b) {
    return b == null ? null : new String(b, StandardCharsets.UTF_8);
  }

  /** The value of a header, or null. */
  public static @Nullable String header(ConsumerRecord<?, ?> record, String name) {
    Header h = record.headers().lastHeader(name);
    return h == null ? null : text(h.value());
  }

  /** A record value as JSON. */
  public static JsonNode json(ConsumerRecord<byte[], byte[]> record) {
    try {
      return MAPPER.readTree(record.value());
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + text(record.value()), e);
    }
  }
}
