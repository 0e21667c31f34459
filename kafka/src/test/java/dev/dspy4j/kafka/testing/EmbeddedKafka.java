package dev.dspy4j.kafka.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * One real Kafka broker in KRaft mode (a combined broker and controller, Kafka's own test kit),
 * started in this JVM on free loopback ports the first time a test asks for it and shared by every
 * test of the JVM (tests use their own topics and groups). Group settings allow fast failure
 * detection: a killed member's partitions move after a session timeout of 2 s.
 */
public final class EmbeddedKafka {

  private static final AtomicInteger NAMES = new AtomicInteger();
  private static volatile KafkaClusterTestKit cluster;

  private EmbeddedKafka() {}

  /** The broker's {@code bootstrap.servers}, starting it if needed. */
  public static synchronized String bootstrapServers() {
    if (cluster == null) {
      try {
        var c =
            new KafkaClusterTestKit.Builder(
                    new TestKitNodes.Builder()
                        .setCombined(true)
                        .setNumBrokerNodes(1)
                        .setNumControllerNodes(1)
                        .build())
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("offsets.topic.num.partitions", "3")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .setConfigProp("group.min.session.timeout.ms", "1000")
                .setConfigProp("auto.create.topics.enable", "false")
                .build();
        c.format();
        c.startup();
        c.waitForReadyBrokers();
        cluster = c;
        Runtime.getRuntime()
            .addShutdownHook(
                new Thread(
                    () -> {
                      try {
                        c.close();
                      } catch (Exception ignored) {
                        // the JVM is exiting
                      }
                    }));
      } catch (Exception e) {
        throw new IllegalStateException("could not start the embedded Kafka broker", e);
      }
    }
    return cluster.bootstrapServers();
  }

  /** A name no other test uses: {@code prefix-N}. */
  public static String unique(String prefix) {
    return prefix
        + "-"
        + NAMES.incrementAndGet()
        + "-"
        + Long.toHexString(System.nanoTime() & 0xfffff);
  }

  /** An admin client (close it). */
  public static Admin admin() {
    return Admin.create(Map.of("bootstrap.servers", bootstrapServers()));
  }

  /** Creates topics with {@code partitions} partitions each. */
  public static void createTopics(int partitions, String... topics) {
    try (Admin admin = admin()) {
      var list = new ArrayList<NewTopic>();
      for (String t : topics) list.add(new NewTopic(t, partitions, (short) 1));
      admin.createTopics(list).all().get();
      // wait until every partition has a leader, so that the first writes do not race the election
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (true) {
        boolean ready;
        try {
          var described = admin.describeTopics(List.of(topics)).allTopicNames().get();
          ready =
              described.values().stream()
                  .allMatch(
                      d ->
                          d.partitions().size() == partitions
                              && d.partitions().stream()
                                  .allMatch(p -> p.leader() != null && !p.leader().isEmpty()));
        } catch (java.util.concurrent.ExecutionException e) {
          ready = false; // not known to the broker's metadata yet
        }
        if (ready || System.nanoTime() > deadline) break;
        Thread.sleep(20);
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A producer of byte arrays (close it). */
  public static KafkaProducer<byte[], byte[]> producer() {
    var p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    p.put(
        ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION,
        1); // no reordered retries on a busy box
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return new KafkaProducer<>(p);
  }

  /** Writes these records and waits for all of them to be acknowledged. */
  public static void send(Collection<ProducerRecord<byte[], byte[]>> records) {
    try (var producer = producer()) {
      var futures = new ArrayList<java.util.concurrent.Future<?>>();
      for (var r : records) futures.add(producer.send(r));
      for (var f : futures) f.get();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Reads {@code topic} from the beginning until {@code expected} records arrived or {@code
   * timeout} passed, then a little more (to see duplicates or extra records); returns what it read.
   */
  public static List<ConsumerRecord<byte[], byte[]>> readAll(
      String topic, int expected, Duration timeout) {
    var p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, unique("reader"));
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    var out = new ArrayList<ConsumerRecord<byte[], byte[]>>();
    try (var consumer = new KafkaConsumer<byte[], byte[]>(p)) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + timeout.toNanos();
      while (out.size() < expected && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(100)).forEach(out::add);
      }
      long tail = System.nanoTime() + Duration.ofMillis(300).toNanos();
      while (System.nanoTime() < tail) {
        consumer.poll(Duration.ofMillis(50)).forEach(out::add);
      }
    }
    return out;
  }

  /**
   * The group's committed offsets for {@code topic}'s partitions (absent partitions: none
   * committed).
   */
  public static Map<TopicPartition, Long> committed(String groupId) {
    try (Admin admin = admin()) {
      Map<TopicPartition, OffsetAndMetadata> m =
          admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get();
      var out = new HashMap<TopicPartition, Long>();
      m.forEach(
          (tp, om) -> {
            if (om != null) out.put(tp, om.offset());
          });
      return out;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The end offsets of a topic's partitions. */
  public static Map<TopicPartition, Long> endOffsets(String topic, int partitions) {
    try (Admin admin = admin()) {
      var request = new HashMap<TopicPartition, OffsetSpec>();
      for (int i = 0; i < partitions; i++)
        request.put(new TopicPartition(topic, i), OffsetSpec.latest());
      var out = new HashMap<TopicPartition, Long>();
      admin.listOffsets(request).all().get().forEach((tp, info) -> out.put(tp, info.offset()));
      return out;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
