package dev.dspy4j.kafka;

import java.util.ArrayDeque;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The started, not yet committed records of one assigned partition, in offset order, and the commit
 * position they allow: the offset after the longest run of acknowledged records at the head. A
 * record is removed from the window when a commit covering it is sent, and stops counting as
 * uncommitted when the broker acknowledges that commit. Touched only on the poll thread; a new
 * assignment of the same partition gets a new window, so late news about an abandoned one is
 * ignored. *
 *
 * <p>Internal to the runner (package-private; not part of the API).
 */
final class PartitionWindow {

  final TopicPartition partition;
  final ArrayDeque<RecordTask> tasks = new ArrayDeque<>();

  /** Commits sent and not yet acknowledged: {next offset, records covered}. */
  private final ArrayDeque<long[]> commitsSent = new ArrayDeque<>();

  boolean abandoned;

  PartitionWindow(TopicPartition partition) {
    this.partition = partition;
  }

  /**
   * Takes the acknowledged records at the head off the window; if there were any, records the
   * commit and puts its offset in {@code commits}. Returns how many records the commit covers.
   */
  int takeCommittable(Map<TopicPartition, OffsetAndMetadata> commits) {
    int covered = 0;
    long next = -1;
    while (!tasks.isEmpty() && tasks.peekFirst().state == RecordTask.State.DONE) {
      next = tasks.pollFirst().offset() + 1;
      covered++;
    }
    if (covered > 0) {
      commits.put(partition, new OffsetAndMetadata(next));
      commitsSent.addLast(new long[] {next, covered});
    }
    return covered;
  }

  /** The broker acknowledged a commit up to {@code next}: returns how many records that settles. */
  int acknowledged(long next) {
    int settled = 0;
    while (!commitsSent.isEmpty() && commitsSent.peekFirst()[0] <= next) {
      settled += (int) commitsSent.pollFirst()[1];
    }
    return settled;
  }

  /** Records started here and not settled by an acknowledged commit. */
  int uncommitted() {
    int n = tasks.size();
    for (long[] c : commitsSent) n += (int) c[1];
    return n;
  }
}
