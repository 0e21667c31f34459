package dev.dspy4j.examples.programs;

import dev.dspy4j.core.Dspy;
import dev.dspy4j.core.helicone.Helicone;
import dev.dspy4j.core.predict.Predict;
import dev.dspy4j.examples.Example;
import dev.dspy4j.examples.ExampleRuntime;
import dev.dspy4j.kafka.KafkaRun;
import dev.dspy4j.kafka.KafkaRunner;
import dev.dspy4j.streaming.LM;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A batch pipeline on Kafka: questions written to a topic are answered by two {@link KafkaRunner}s
 * of one consumer group (as two processes would be), predictions land in an answers topic and an
 * unreadable record in a failure topic. Needs a broker: {@code KAFKA_BOOTSTRAP_SERVERS}, by default
 * {@code 127.0.0.1:9092} (one command: {@code docker run -d -p 9092:9092 apache/kafka}).
 */
public final class KafkaPipeline implements Example {

  /**
   * The environment variable (or system property {@code dspy4j.kafka.bootstrap}) naming the broker.
   */
  public static final String BOOTSTRAP_ENV = "KAFKA_BOOTSTRAP_SERVERS";

  static final int QUESTIONS = 100;

  @Override
  public String name() {
    return "kafka";
  }

  @Override
  public String summary() {
    return QUESTIONS
        + " questions from a Kafka topic, answered by two runners of a consumer group (needs a broker, "
        + BOOTSTRAP_ENV
        + ")";
  }

  @Override
  public boolean localGatewayPrintsRequests() {
    return false;
  }

  @Override
  public int run(ExampleRuntime runtime) throws Exception {
    var out = runtime.out();
    String servers =
        System.getProperty(
            "dspy4j.kafka.bootstrap",
            System.getenv().getOrDefault(BOOTSTRAP_ENV, "127.0.0.1:9092"));
    String run = UUID.randomUUID().toString().substring(0, 8);
    String questions = "dspy4j-questions-" + run,
        answers = "dspy4j-answers-" + run,
        failed = "dspy4j-failed-" + run;

    try (Admin admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                servers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                10_000,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                5_000))) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(questions, 3, (short) 1),
                  new NewTopic(answers, 3, (short) 1),
                  new NewTopic(failed, 1, (short) 1)))
          .all()
          .get();
    } catch (Exception e) {
      out.println("No Kafka broker answered at " + servers + " (" + e.getCause() + ").");
      out.println(
          "Start one with: docker run -d -p 9092:9092 apache/kafka   or set "
              + BOOTSTRAP_ENV
              + ".");
      return 2;
    }
    out.println(
        "Kafka at " + servers + ": topics " + questions + " -> " + answers + " | " + failed);

    // Inputs written before the runners start: a new consumer group reads from the earliest offset.
    try (var producer = new KafkaProducer<String, String>(producerProperties(servers))) {
      var sent = new ArrayList<Future<?>>();
      for (int i = 1; i <= QUESTIONS; i++) {
        var record =
            new ProducerRecord<>(
                questions, "q" + i, "{\"question\": \"What is " + i + " squared?\"}");
        // Helicone session per record, from Kafka headers
        record
            .headers()
            .add("Helicone-Session-Id", ("kafka-" + run).getBytes(StandardCharsets.UTF_8));
        record
            .headers()
            .add("Helicone-Session-Path", "/kafka/squares".getBytes(StandardCharsets.UTF_8));
        sent.add(producer.send(record));
      }
      sent.add(producer.send(new ProducerRecord<>(questions, "poison", "this is not JSON")));
      for (Future<?> f : sent) f.get();
    }

    LM lm = LM.builder(runtime.model()).apiKey(runtime.apiKey()).apiBase(runtime.apiBase()).build();
    KafkaRunner runner =
        KafkaRunner.builder(Predict.of("question -> answer"))
            .bootstrapServers(servers)
            .groupId("dspy4j-example-" + run)
            .inputTopic(questions)
            .outputTopic(answers)
            .failureTopic(failed)
            .concurrency(8)
            .contextWrite(Dspy.withLm(lm))
            .contextWrite(Helicone.property("Pipeline", "kafka-example"))
            .build();
    // Two members of one group: in production these are two processes (or machines).
    KafkaRun first = runner.start();
    KafkaRun second = runner.start();
    long start = System.nanoTime();
    while (first.progress().done() + second.progress().done() < QUESTIONS + 1) {
      if (System.nanoTime() - start > Duration.ofMinutes(2).toNanos()) {
        out.println(
            "Timed out: " + first.progress().summary() + " / " + second.progress().summary());
        break;
      }
      Thread.sleep(100);
    }
    out.println("runner 1: " + first.progress().summary());
    out.println("runner 2: " + second.progress().summary());
    first
        .disposeGracefully()
        .block(Duration.ofSeconds(30)); // drains and commits, then leaves the group
    second.disposeGracefully().block(Duration.ofSeconds(30));

    List<ConsumerRecord<String, String>> written = read(servers, answers, QUESTIONS);
    List<ConsumerRecord<String, String>> failures = read(servers, failed, 1);
    written.stream()
        .filter(r -> r.key().equals("q1") || r.key().equals("q100"))
        .forEach(r -> out.println("  " + r.key() + " -> " + r.value()));
    failures.forEach(r -> out.println("  failure for key " + r.key() + ": " + r.value()));
    out.println(written.size() + " answers, " + failures.size() + " failure record(s)");
    return written.size() == QUESTIONS && failures.size() == 1 ? 0 : 1;
  }

  private static Properties producerProperties(String servers) {
    var p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    return p;
  }

  private static List<ConsumerRecord<String, String>> read(
      String servers, String topic, int expected) {
    var p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "dspy4j-example-reader-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    var out = new ArrayList<ConsumerRecord<String, String>>();
    try (var consumer = new KafkaConsumer<String, String>(p)) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (out.size() < expected && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    return out;
  }
}
