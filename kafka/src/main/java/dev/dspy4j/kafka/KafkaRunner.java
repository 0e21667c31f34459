package dev.dspy4j.kafka;

import dev.dspy4j.core.predict.Module;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jspecify.annotations.Nullable;
import reactor.util.context.Context;

/**
 * Runs a dspy4j {@link Module} on every record of a Kafka topic, as a member of a consumer group:
 * one record in, one record out, at least once. Start as many runner processes as the input topic
 * has partitions; Kafka spreads the partitions over them and moves a dead runner's partitions to
 * the others.
 *
 * <pre>{@code
 * KafkaRunner runner = KafkaRunner.builder(module)
 *     .bootstrapServers("127.0.0.1:9092").groupId("qa")
 *     .inputTopic("questions").outputTopic("answers").failureTopic("answers-failed")
 *     .concurrency(64).build();
 * KafkaRun running = runner.start();     // dispose() drains and commits, then stops
 * }</pre>
 *
 * <ul>
 *   <li><b>Records.</b> An input value is a JSON object of the module's input fields. The output
 *       record has the input's key and, as value, a JSON object of the prediction's fields. An
 *       input that cannot be read (not JSON, not an object, no value) or whose call failed goes to
 *       the failure topic with the same key and the value {@code {"error": {"type", "message"},
 *       "input": <raw value as text>}}; the run goes on. Both carry the headers {@code
 *       dspy4j-input} ({@code topic/partition/offset} of the input) and {@code
 *       Helicone-Request-Id}.
 *   <li><b>At least once.</b> An offset is committed only after every record before it in its
 *       partition has its output (or failure) record acknowledged by the producer; commits are sent
 *       as soon as that is true, not on a timer. A killed runner repeats at most its uncommitted
 *       records ({@link KafkaRunnerProgress#uncommitted()}, at most {@link
 *       Builder#maxUncommitted}). A new consumer group starts from the earliest offset.
 *   <li><b>Concurrency and backpressure.</b> At most {@link Builder#concurrency} module calls in
 *       flight per started runner (a finished record's output is written outside that limit, within
 *       {@link Builder#maxUncommitted}); when either limit is reached, the runner pauses its
 *       partitions instead of buffering.
 *   <li><b>Threads.</b> Each {@link #start()} creates one dedicated platform thread that owns the
 *       (not thread-safe) {@code KafkaConsumer} and blocks in {@code poll}: it is not an event
 *       loop, and the module calls never run their I/O on it. Output records are sent from that
 *       thread too, because {@code KafkaProducer.send} may block.
 *   <li><b>Helicone.</b> Each record's calls send a fixed {@code Helicone-Request-Id} derived from
 *       (group, topic, partition, offset) ({@link #requestId}), so a redelivered record is
 *       recognisable in Helicone's logs, and the session, user and properties found in the record's
 *       Kafka headers of the same names ({@code Helicone-Session-Id}, {@code
 *       Helicone-Session-Name}, {@code Helicone-Session-Path}, {@code Helicone-User-Id}, {@code
 *       Helicone-Property-*}).
 * </ul>
 *
 * Immutable and thread-safe; each {@link #start()} is a new group member with its own clients.
 */
public final class KafkaRunner {

  private final RunnerSettings settings;

  private KafkaRunner(RunnerSettings settings) {
    this.settings = settings;
  }

  /** A builder for a runner of {@code module}. */
  public static Builder builder(Module module) {
    return new Builder(module);
  }

  /**
   * The {@code Helicone-Request-Id} a runner of group {@code groupId} sends for the record at
   * {@code topic/partition/offset}: a name-based (version 3) UUID, the same on every delivery.
   */
  public static UUID requestId(String groupId, String topic, int partition, long offset) {
    return RecordHelicone.requestId(groupId, topic, partition, offset);
  }

  /**
   * Creates the consumer and producer, joins the group and starts consuming on a new thread named
   * {@code dspy4j-kafka-<group>}. Returns at once. The thread is not a daemon: the JVM stays up
   * until the run is disposed (or stops on a fatal error).
   *
   * @throws org.apache.kafka.common.KafkaException when the client configuration is invalid
   */
  public KafkaRun start() {
    var consumer = new KafkaConsumer<byte[], byte[]>(settings.consumerProperties());
    KafkaProducer<byte[], byte[]> producer;
    try {
      producer = new KafkaProducer<>(settings.producerProperties());
    } catch (RuntimeException e) {
      consumer.close();
      throw e;
    }
    var loop = new PollLoop(settings, consumer, producer);
    var thread = new Thread(loop, "dspy4j-kafka-" + settings.groupId());
    thread.start();
    return loop;
  }

  @Override
  public String toString() {
    return "KafkaRunner[group="
        + settings.groupId()
        + ", "
        + settings.inputTopic()
        + " -> "
        + settings.outputTopic()
        + " | "
        + settings.failureTopic()
        + ", concurrency="
        + settings.concurrency()
        + "]";
  }

  /** Configures a {@link KafkaRunner}; required: servers, group and the three topics. */
  public static final class Builder {

    private final Module module;
    private @Nullable String bootstrapServers;
    private @Nullable String groupId;
    private @Nullable String inputTopic;
    private @Nullable String outputTopic;
    private @Nullable String failureTopic;
    private int concurrency = 16;
    private int maxUncommitted;
    private boolean orderedPerPartition;
    private @Nullable Duration callTimeout;
    private Duration drainTimeout = Duration.ofSeconds(30);
    private boolean requestIds = true;
    private Function<Context, Context> context = Function.identity();
    private final Map<String, Object> consumerProperties = new LinkedHashMap<>();
    private final Map<String, Object> producerProperties = new LinkedHashMap<>();

    private Builder(Module module) {
      this.module = Objects.requireNonNull(module, "module must not be null");
    }

    /** The Kafka brokers to start from, {@code host:port[,host:port...]}. Required. */
    public Builder bootstrapServers(String servers) {
      this.bootstrapServers = requireText(servers, "bootstrapServers");
      return this;
    }

    /** The consumer group: runners of one group share the input topic's partitions. Required. */
    public Builder groupId(String groupId) {
      this.groupId = requireText(groupId, "groupId");
      return this;
    }

    /** The topic of input records. Required. */
    public Builder inputTopic(String topic) {
      this.inputTopic = requireText(topic, "inputTopic");
      return this;
    }

    /** The topic the predictions are written to. Required. */
    public Builder outputTopic(String topic) {
      this.outputTopic = requireText(topic, "outputTopic");
      return this;
    }

    /** The topic failure records are written to (unreadable inputs, failed calls). Required. */
    public Builder failureTopic(String topic) {
      this.failureTopic = requireText(topic, "failureTopic");
      return this;
    }

    /**
     * The most module calls in flight at once in one started runner (default 16). A record whose
     * call finished leaves this count while its output record is written; {@link #maxUncommitted}
     * bounds those too.
     */
    public Builder concurrency(int concurrency) {
      if (concurrency < 1)
        throw new IllegalArgumentException("concurrency must be at least 1, was " + concurrency);
      this.concurrency = concurrency;
      return this;
    }

    /**
     * The most started records whose offsets are not yet committed (default twice the concurrency,
     * at least the concurrency): what a killed runner may repeat. A slow record holds back the
     * commit of the finished records after it in its partition; this bounds how many.
     */
    public Builder maxUncommitted(int maxUncommitted) {
      if (maxUncommitted < 1)
        throw new IllegalArgumentException(
            "maxUncommitted must be at least 1, was " + maxUncommitted);
      this.maxUncommitted = maxUncommitted;
      return this;
    }

    /**
     * Whether output records are written in input order within each input partition (default false:
     * as calls finish). Calls still run concurrently; a finished record waits for the ones before
     * it.
     */
    public Builder orderedPerPartition(boolean ordered) {
      this.orderedPerPartition = ordered;
      return this;
    }

    /**
     * A time limit per module call; a call that exceeds it goes to the failure topic. Default none.
     */
    public Builder callTimeout(Duration timeout) {
      this.callTimeout = requirePositive(timeout, "callTimeout");
      return this;
    }

    /**
     * How long a stop or a revocation waits for the records in flight (default 30 s); what is still
     * running then is abandoned without committing it.
     */
    public Builder drainTimeout(Duration timeout) {
      this.drainTimeout = requirePositive(timeout, "drainTimeout");
      return this;
    }

    /**
     * Whether each record's calls send the deterministic {@code Helicone-Request-Id} of {@link
     * KafkaRunner#requestId} (default true). Helicone keeps one log per request id, so switch it
     * off for a module that makes several LM calls per record (they would share the id).
     */
    public Builder requestIds(boolean enabled) {
      this.requestIds = enabled;
      return this;
    }

    /**
     * A Context change applied to every record's call, outside the record's own Helicone headers:
     * {@code .contextWrite(Helicone.property("Environment", "batch"))}, {@code Dspy.withLm(lm)}.
     */
    public Builder contextWrite(Function<Context, Context> change) {
      Objects.requireNonNull(change, "change must not be null");
      this.context = this.context.andThen(change);
      return this;
    }

    /** Any other consumer setting (security, {@code max.poll.records}, session timeout...). */
    public Builder consumerProperty(String name, Object value) {
      consumerProperties.put(
          requireText(name, "name"), Objects.requireNonNull(value, "value must not be null"));
      return this;
    }

    /** Any other producer setting (security, {@code linger.ms}, compression...). */
    public Builder producerProperty(String name, Object value) {
      producerProperties.put(
          requireText(name, "name"), Objects.requireNonNull(value, "value must not be null"));
      return this;
    }

    /**
     * The runner.
     *
     * @throws IllegalStateException naming what is missing
     * @throws IllegalArgumentException when a topic is used twice or a setting the runner owns was
     *     set as a client property
     */
    public KafkaRunner build() {
      require(bootstrapServers, "bootstrapServers");
      require(groupId, "groupId");
      require(inputTopic, "inputTopic");
      require(outputTopic, "outputTopic");
      require(failureTopic, "failureTopic");
      if (inputTopic.equals(outputTopic) || inputTopic.equals(failureTopic)) {
        throw new IllegalArgumentException(
            "the input topic '" + inputTopic + "' must differ from the output and failure topics");
      }
      for (String owned :
          new String[] {
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
            ConsumerConfig.GROUP_ID_CONFIG
          }) {
        if (consumerProperties.containsKey(owned)) {
          throw new IllegalArgumentException(
              "'" + owned + "' is set by the runner and cannot be overridden");
        }
      }
      for (String owned :
          new String[] {
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG
          }) {
        if (producerProperties.containsKey(owned)) {
          throw new IllegalArgumentException(
              "'" + owned + "' is set by the runner and cannot be overridden");
        }
      }
      int window = maxUncommitted == 0 ? 2 * concurrency : maxUncommitted;
      if (window < concurrency) {
        throw new IllegalArgumentException(
            "maxUncommitted ("
                + window
                + ") must be at least the concurrency ("
                + concurrency
                + ")");
      }

      var consumer = new LinkedHashMap<String, Object>();
      consumer.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
      consumer.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
      consumer.put(
          ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
          CooperativeStickyAssignor.class.getName());
      consumer.putAll(consumerProperties);
      consumer.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
      consumer.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
      consumer.put(
          ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
      consumer.put(
          ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
      if ("consumer"
              .equalsIgnoreCase(String.valueOf(consumer.get(ConsumerConfig.GROUP_PROTOCOL_CONFIG)))
          && !consumerProperties.containsKey(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG)) {
        consumer.remove(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG); // the broker assigns
      }

      var producer = new LinkedHashMap<String, Object>();
      producer.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
      producer.put(ProducerConfig.ACKS_CONFIG, "all");
      producer.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
      producer.putAll(producerProperties);
      producer.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
      producer.put(
          ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());

      return new KafkaRunner(
          new RunnerSettings(
              module,
              groupId,
              inputTopic,
              outputTopic,
              failureTopic,
              concurrency,
              window,
              orderedPerPartition,
              callTimeout,
              drainTimeout,
              requestIds,
              context,
              Map.copyOf(consumer),
              Map.copyOf(producer)));
    }

    private static void require(@Nullable String value, String name) {
      if (value == null)
        throw new IllegalStateException("KafkaRunner needs " + name + "(...) before build()");
    }

    private static String requireText(String value, String name) {
      Objects.requireNonNull(value, name + " must not be null");
      if (value.isBlank()) throw new IllegalArgumentException(name + " must not be blank");
      return value;
    }

    private static Duration requirePositive(Duration d, String name) {
      Objects.requireNonNull(d, name + " must not be null");
      if (d.isNegative() || d.isZero())
        throw new IllegalArgumentException(name + " must be positive, was " + d);
      return d;
    }
  }
}
