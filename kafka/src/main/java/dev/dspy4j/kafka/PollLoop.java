package dev.dspy4j.kafka;

import dev.dspy4j.core.helicone.Helicone;
import dev.dspy4j.core.helicone.HeliconeHeaderNames;
import dev.dspy4j.core.predict.Prediction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.WakeupException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * The engine of one started runner: a dedicated platform thread (not an event loop; it may block in
 * {@code poll} and {@code commitSync}) that owns the non-thread-safe {@link Consumer}, and
 * everything the runner knows about its records. Module calls run on Reactor; their results and the
 * producer's acknowledgements come back to this thread through one queue, and every state change
 * happens here:
 *
 * <ol>
 *   <li>a polled record waits in {@code pending} until there is room: fewer than {@code
 *       concurrency} module calls running and fewer than {@code maxUncommitted} uncommitted; while
 *       there is no room every assigned partition is paused, so at most one poll's worth of records
 *       ever waits;
 *   <li>a started record's module call runs; its output (or failure) record is sent from this
 *       thread (in offset order per partition when ordered), never from an event loop, since {@code
 *       send} may block on metadata or a full buffer;
 *   <li>once the producer acknowledged it, the record is done; each loop commits, per partition,
 *       the offset after the longest run of done records (commitAsync, at once: no timer), so no
 *       offset is committed before every record before it has its output written.
 * </ol>
 *
 * On revocation the records in flight of the revoked partitions are finished and committed (up to
 * the drain timeout; what is left is abandoned, uncommitted); lost partitions are abandoned at
 * once. *
 *
 * <p>Internal to the runner (package-private; not part of the API).
 */
final class PollLoop implements Runnable, KafkaRun {

  private static final Logger log = LoggerFactory.getLogger(PollLoop.class);

  /** Poll timeout while records are in flight; a finished record wakes the poll earlier. */
  private static final Duration BUSY_POLL = Duration.ofMillis(100);

  private static final Duration IDLE_POLL = Duration.ofMillis(500);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

  /**
   * The least time between two offset commits while records keep finishing: prompt, but not one per
   * record.
   */
  private static final long COMMIT_INTERVAL_NANOS = Duration.ofMillis(10).toNanos();

  /** The header of an output or failure record that says which input it answers. */
  public static final String INPUT_HEADER = "dspy4j-input";

  private sealed interface Event permits Finished, Acked, Wake {}

  private record Finished(RecordTask task, ProducerRecord<byte[], byte[]> output, boolean failure)
      implements Event {}

  private record Acked(RecordTask task, @Nullable Exception error) implements Event {}

  private record Wake() implements Event {}

  private final RunnerSettings settings;
  private final Consumer<byte[], byte[]> consumer;
  private final Producer<byte[], byte[]> producer;
  private final LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();
  private final AtomicBoolean polling = new AtomicBoolean();
  private final Sinks.One<Void> terminated = Sinks.one();
  private volatile boolean stopRequested;
  private volatile KafkaRunnerProgress progress =
      new KafkaRunnerProgress(0, 0, 0, 0, 0, 0, 0, 0, 0, OptionalLong.empty());

  // Poll-thread state.
  private final Map<TopicPartition, PartitionWindow> partitions = new LinkedHashMap<>();
  private final ArrayDeque<ConsumerRecord<byte[], byte[]>> pending = new ArrayDeque<>();
  private final Map<PartitionWindow, Long> failedCommits = new HashMap<>();
  private @Nullable KafkaRunnerException fatal;

  /** Module calls running. */
  private int inFlight;

  /** Records whose call finished and whose output (or failure) record is not yet acknowledged. */
  private int writing;

  private int peakInFlight;
  private int uncommitted;
  private int peakUncommitted;
  private long received;
  private long succeeded;
  private long failed;
  private long committed;
  private boolean commitFailing;
  private boolean commitWaiting;
  private long lastCommitNanos = System.nanoTime() - COMMIT_INTERVAL_NANOS;

  public PollLoop(
      RunnerSettings settings,
      Consumer<byte[], byte[]> consumer,
      Producer<byte[], byte[]> producer) {
    this.settings = settings;
    this.consumer = consumer;
    this.producer = producer;
  }

  // ---------------------------------------------------------------- KafkaRun (any thread)

  @Override
  public void dispose() {
    if (!stopRequested) {
      stopRequested = true;
      enqueue(new Wake());
    }
  }

  @Override
  public boolean isDisposed() {
    return stopRequested;
  }

  @Override
  public Mono<Void> terminated() {
    return terminated.asMono();
  }

  @Override
  public KafkaRunnerProgress progress() {
    return progress;
  }

  private void enqueue(Event event) {
    events.add(event);
    if (polling.compareAndSet(true, false)) {
      consumer.wakeup();
    }
  }

  // ---------------------------------------------------------------- the poll thread

  @Override
  public void run() {
    Throwable error = null;
    try {
      consumer.subscribe(List.of(settings.inputTopic()), new Rebalance());
      loop();
    } catch (Throwable t) {
      error = t;
    }
    if (error == null) error = fatal;
    close(error);
  }

  private void loop() {
    long drainDeadline = Long.MAX_VALUE;
    while (true) {
      applyEvents();
      if (fatal != null) break;
      if (stopRequested) {
        if (drainDeadline == Long.MAX_VALUE) {
          drainDeadline = System.nanoTime() + settings.drainTimeout().toNanos();
          pending.clear(); // not started: left uncommitted for the next owner
          log.info(
              "Kafka runner of group '{}' stopping: draining {} record(s) in flight",
              settings.groupId(),
              inFlight + writing);
        }
        if (inFlight == 0 && writing == 0) break;
        if (System.nanoTime() - drainDeadline > 0) {
          log.warn(
              "Kafka runner of group '{}': {} record(s) still in flight after the drain timeout of {}; "
                  + "abandoned uncommitted, the next owner of their partitions repeats them",
              settings.groupId(),
              inFlight + writing,
              settings.drainTimeout());
          break;
        }
      } else {
        startPending();
      }
      sendReady();
      commit();
      updatePause();
      publishProgress();
      pollOnce();
    }
    finalCommit(); // what is committable is safe to commit, even after a fatal error
    publishProgress();
  }

  private void pollOnce() {
    Duration timeout =
        commitWaiting
            ? Duration.ofNanos(COMMIT_INTERVAL_NANOS)
            : inFlight + writing > 0 ? BUSY_POLL : IDLE_POLL;
    polling.set(true);
    if (!events.isEmpty()) timeout = Duration.ZERO;
    ConsumerRecords<byte[], byte[]> records;
    try {
      records = consumer.poll(timeout);
    } catch (WakeupException e) {
      return;
    } finally {
      polling.set(false);
    }
    for (ConsumerRecord<byte[], byte[]> r : records) {
      pending.addLast(r);
      received++;
    }
  }

  private void applyEvents() {
    Event e;
    while ((e = events.poll()) != null) apply(e);
  }

  private void apply(Event event) {
    if (event instanceof Finished f) {
      RecordTask task = f.task();
      if (task.window.abandoned || task.state != RecordTask.State.RUNNING) return;
      task.output = f.output();
      task.failure = f.failure();
      task.call = null;
      task.state = RecordTask.State.READY;
      inFlight--; // the call's slot is free; the output is written within the uncommitted window
      writing++;
    } else if (event instanceof Acked a) {
      RecordTask task = a.task();
      if (task.window.abandoned) return;
      if (a.error() == null) {
        task.state = RecordTask.State.DONE;
        task.output = null;
        writing--;
        if (task.failure) failed++;
        else succeeded++;
      } else if (a.error() instanceof RecordTooLargeException tooLarge && !task.failure) {
        task.output = failureRecord(task.input, tooLarge, requestId(task.input));
        task.failure = true;
        task.state = RecordTask.State.READY;
      } else if (fatal == null) {
        fatal =
            new KafkaRunnerException(
                "could not write the "
                    + (task.failure ? "failure" : "output")
                    + " record for input "
                    + coordinates(task.input)
                    + " ("
                    + a.error()
                    + "); stopping without "
                    + "committing past it",
                a.error());
        stopRequested = true;
      }
    }
  }

  private void startPending() {
    while (!pending.isEmpty()
        && inFlight < settings.concurrency()
        && uncommitted < settings.maxUncommitted()) {
      ConsumerRecord<byte[], byte[]> record = pending.pollFirst();
      PartitionWindow window =
          partitions.get(new TopicPartition(record.topic(), record.partition()));
      if (window != null) start(window, record);
    }
  }

  private void start(PartitionWindow window, ConsumerRecord<byte[], byte[]> record) {
    var task = new RecordTask(window, record);
    window.tasks.addLast(task);
    inFlight++;
    uncommitted++;
    peakInFlight = Math.max(peakInFlight, inFlight);
    peakUncommitted = Math.max(peakUncommitted, uncommitted);
    UUID requestId = requestId(record);
    Mono<Finished> outcome =
        Mono.defer(
                () -> {
                  Map<String, Object> inputs = RecordCodec.inputs(record.value());
                  var helicone = RecordHelicone.headers(record.headers(), requestId);
                  Mono<Prediction> call = Mono.defer(() -> settings.module().call(inputs));
                  if (settings.callTimeout() != null) call = call.timeout(settings.callTimeout());
                  return call.switchIfEmpty(
                          Mono.error(
                              () ->
                                  new IllegalStateException(
                                      "the module completed without a prediction")))
                      .contextWrite(Helicone.with(helicone))
                      .map(
                          p ->
                              new Finished(
                                  task,
                                  outputRecord(
                                      settings.outputTopic(),
                                      record,
                                      RecordCodec.prediction(p),
                                      requestId),
                                  false));
                })
            .onErrorResume(
                e -> Mono.just(new Finished(task, failureRecord(record, e, requestId), true)))
            .contextWrite(settings.context());
    task.call =
        outcome.subscribe(
            this::enqueue,
            e -> enqueue(new Finished(task, failureRecord(record, e, requestId), true)));
  }

  private void sendReady() {
    for (PartitionWindow window : partitions.values()) {
      for (RecordTask task : window.tasks) {
        if (task.state == RecordTask.State.READY) {
          send(task);
        } else if (task.state == RecordTask.State.RUNNING && settings.orderedPerPartition()) {
          break;
        }
      }
    }
  }

  private void send(RecordTask task) {
    task.state = RecordTask.State.SENT;
    ProducerRecord<byte[], byte[]> output = task.output;
    try {
      producer.send(output, (metadata, error) -> enqueue(new Acked(task, error)));
    } catch (RuntimeException e) {
      apply(new Acked(task, e));
    }
  }

  /**
   * Commits what became committable, at most once per {@link #COMMIT_INTERVAL_NANOS} (so a busy
   * runner sends a few commits per poll interval, not one per record), at once when the uncommitted
   * window is full.
   */
  private void commit() {
    long now = System.nanoTime();
    commitWaiting = false;
    if (now - lastCommitNanos < COMMIT_INTERVAL_NANOS && uncommitted < settings.maxUncommitted()) {
      commitWaiting = hasCommittable();
      return;
    }
    var offsets = new HashMap<TopicPartition, OffsetAndMetadata>();
    var sent = new HashMap<PartitionWindow, Long>();
    collectCommits(partitions.values(), offsets, sent);
    if (offsets.isEmpty()) return;
    lastCommitNanos = now;
    consumer.commitAsync(offsets, (done, error) -> onCommitted(sent, error));
  }

  private boolean hasCommittable() {
    for (PartitionWindow w : partitions.values()) {
      RecordTask head = w.tasks.peekFirst();
      if (head != null && head.state == RecordTask.State.DONE) return true;
    }
    return !failedCommits.isEmpty();
  }

  private void collectCommits(
      Collection<PartitionWindow> windows,
      Map<TopicPartition, OffsetAndMetadata> offsets,
      Map<PartitionWindow, Long> sent) {
    for (PartitionWindow w : windows) {
      if (w.takeCommittable(offsets) > 0) {
        sent.put(w, offsets.get(w.partition).offset());
      } else {
        Long retry = failedCommits.get(w);
        if (retry != null) {
          offsets.put(w.partition, new OffsetAndMetadata(retry));
          sent.put(w, retry);
        }
      }
      failedCommits.remove(w);
    }
  }

  private void onCommitted(Map<PartitionWindow, Long> sent, @Nullable Exception error) {
    if (error != null) {
      if (!commitFailing) {
        log.warn(
            "Kafka runner of group '{}': an offset commit failed ({}); retried with the next commit",
            settings.groupId(),
            error.toString());
        commitFailing = true;
      }
      sent.forEach(
          (w, next) -> {
            if (!w.abandoned) failedCommits.merge(w, next, Math::max);
          });
      return;
    }
    commitFailing = false;
    int before = uncommitted;
    sent.forEach(
        (w, next) -> {
          if (w.abandoned) return;
          int settled = w.acknowledged(next);
          uncommitted -= settled;
          committed += settled;
        });
    // Called inside poll (which goes on until records or its timeout come): return from it now if
    // this commit made room for more records.
    if (before >= settings.maxUncommitted()
        && uncommitted < before
        && polling.compareAndSet(true, false)) {
      consumer.wakeup();
    }
  }

  /** Commits what is committable now, synchronously; for revocation and the end. */
  private void commitNow(Collection<PartitionWindow> windows) {
    var offsets = new HashMap<TopicPartition, OffsetAndMetadata>();
    var sent = new HashMap<PartitionWindow, Long>();
    collectCommits(windows, offsets, sent);
    if (offsets.isEmpty()) return;
    for (int attempt = 0; ; attempt++) {
      try {
        consumer.commitSync(offsets, CLOSE_TIMEOUT);
        onCommitted(sent, null);
        return;
      } catch (WakeupException e) {
        if (attempt >= 3) throw e; // a wakeup meant for a poll: try again
      } catch (RuntimeException e) {
        onCommitted(sent, e);
        return;
      }
    }
  }

  private void finalCommit() {
    try {
      commitNow(new ArrayList<>(partitions.values()));
    } catch (RuntimeException e) {
      log.warn(
          "Kafka runner of group '{}': the final offset commit failed ({}); the next owner repeats "
              + "the records after the last committed offset",
          settings.groupId(),
          e.toString());
    }
  }

  private void updatePause() {
    Set<TopicPartition> assigned = consumer.assignment();
    boolean full =
        stopRequested
            || !pending.isEmpty()
            || inFlight >= settings.concurrency()
            || uncommitted >= settings.maxUncommitted();
    Set<TopicPartition> paused = consumer.paused();
    if (full) {
      if (paused.size() < assigned.size()) consumer.pause(assigned);
    } else if (!paused.isEmpty()) {
      consumer.resume(paused);
    }
  }

  private void publishProgress() {
    long lag = pending.size() + uncommitted;
    boolean known = true;
    for (TopicPartition tp : partitions.keySet()) {
      OptionalLong l = consumer.currentLag(tp);
      if (l.isPresent()) lag += l.getAsLong();
      else known = false;
    }
    progress =
        new KafkaRunnerProgress(
            received,
            succeeded,
            failed,
            inFlight,
            peakInFlight,
            uncommitted,
            peakUncommitted,
            committed,
            partitions.size(),
            known ? OptionalLong.of(lag) : OptionalLong.empty());
  }

  /** Gives up a partition's records: calls cancelled, nothing more committed for it. */
  private void abandon(PartitionWindow window) {
    int running = 0, unwritten = 0;
    for (RecordTask task : window.tasks) {
      if (task.state == RecordTask.State.RUNNING) {
        running++;
        if (task.call != null) task.call.dispose();
      } else if (task.state != RecordTask.State.DONE) {
        unwritten++;
      }
    }
    int left = running + unwritten;
    inFlight -= running;
    writing -= unwritten;
    uncommitted -= window.uncommitted();
    window.abandoned = true;
    failedCommits.remove(window);
    partitions.remove(window.partition);
    if (left > 0) {
      log.warn(
          "Kafka runner of group '{}': abandoned {} unfinished record(s) of {} uncommitted",
          settings.groupId(),
          left,
          window.partition);
    }
  }

  private void close(@Nullable Throwable error) {
    for (PartitionWindow w : new ArrayList<>(partitions.values())) abandon(w);
    publishProgress();
    try {
      consumer.close(CloseOptions.timeout(CLOSE_TIMEOUT));
    } catch (RuntimeException e) {
      log.warn(
          "Kafka runner of group '{}': closing the consumer failed: {}",
          settings.groupId(),
          e.toString());
    }
    try {
      producer.close(CLOSE_TIMEOUT);
    } catch (RuntimeException e) {
      log.warn(
          "Kafka runner of group '{}': closing the producer failed: {}",
          settings.groupId(),
          e.toString());
    }
    if (error == null) {
      log.info("Kafka runner of group '{}' stopped: {}", settings.groupId(), progress.summary());
      terminated.tryEmitEmpty();
    } else {
      KafkaRunnerException e =
          error instanceof KafkaRunnerException k
              ? k
              : new KafkaRunnerException(
                  "the Kafka runner of group '" + settings.groupId() + "' failed: " + error, error);
      log.error("Kafka runner of group '{}' stopped on an error", settings.groupId(), e);
      terminated.tryEmitError(e);
    }
  }

  // ---------------------------------------------------------------- records

  private @Nullable UUID requestId(ConsumerRecord<?, ?> record) {
    return settings.requestIds()
        ? RecordHelicone.requestId(
            settings.groupId(), record.topic(), record.partition(), record.offset())
        : null;
  }

  private ProducerRecord<byte[], byte[]> failureRecord(
      ConsumerRecord<byte[], byte[]> input, Throwable error, @Nullable UUID requestId) {
    return outputRecord(
        settings.failureTopic(), input, RecordCodec.failure(error, input.value()), requestId);
  }

  private static ProducerRecord<byte[], byte[]> outputRecord(
      String topic, ConsumerRecord<byte[], byte[]> input, byte[] value, @Nullable UUID requestId) {
    var out = new ProducerRecord<byte[], byte[]>(topic, null, input.key(), value);
    out.headers().add(INPUT_HEADER, coordinates(input).getBytes(StandardCharsets.UTF_8));
    if (requestId != null) {
      out.headers()
          .add(
              HeliconeHeaderNames.REQUEST_ID,
              requestId.toString().getBytes(StandardCharsets.UTF_8));
    }
    return out;
  }

  private static String coordinates(ConsumerRecord<?, ?> record) {
    return record.topic() + "/" + record.partition() + "/" + record.offset();
  }

  // ---------------------------------------------------------------- rebalancing (on the poll
  // thread, inside poll)

  private final class Rebalance implements ConsumerRebalanceListener {

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
      for (TopicPartition tp : assigned) partitions.computeIfAbsent(tp, PartitionWindow::new);
      if (!assigned.isEmpty()) {
        log.info("Kafka runner of group '{}': assigned {}", settings.groupId(), assigned);
      }
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
      polling.set(false);
      var windows = new ArrayList<PartitionWindow>();
      for (TopicPartition tp : revoked) {
        PartitionWindow w = partitions.get(tp);
        if (w != null) windows.add(w);
      }
      if (windows.isEmpty()) return;
      var gone = new HashSet<>(revoked);
      pending.removeIf(r -> gone.contains(new TopicPartition(r.topic(), r.partition())));
      long deadline = System.nanoTime() + settings.drainTimeout().toNanos();
      while (fatal == null && unfinished(windows)) {
        long left = deadline - System.nanoTime();
        if (left <= 0) break;
        try {
          Event e = events.poll(left, TimeUnit.NANOSECONDS);
          if (e != null) apply(e);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          break;
        }
        applyEvents();
        sendReady();
      }
      commitNow(windows);
      windows.forEach(PollLoop.this::abandon);
      log.info("Kafka runner of group '{}': revoked {}", settings.groupId(), revoked);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> lost) {
      var gone = new HashSet<>(lost);
      pending.removeIf(r -> gone.contains(new TopicPartition(r.topic(), r.partition())));
      for (TopicPartition tp : lost) {
        PartitionWindow w = partitions.get(tp);
        if (w != null) abandon(w);
      }
      log.warn(
          "Kafka runner of group '{}': lost {} (another member may own them now); their unfinished "
              + "records were abandoned uncommitted",
          settings.groupId(),
          lost);
    }

    private boolean unfinished(List<PartitionWindow> windows) {
      for (PartitionWindow w : windows) {
        for (RecordTask t : w.tasks) {
          if (t.state != RecordTask.State.DONE) return true;
        }
      }
      return false;
    }
  }
}
