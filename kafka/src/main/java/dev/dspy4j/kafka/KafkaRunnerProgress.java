package dev.dspy4j.kafka;

import java.util.OptionalLong;

/**
 * Where one running {@link KafkaRunner} stands ({@link KafkaRun#progress()}): a snapshot taken by
 * the runner's poll thread, at most one poll interval old.
 *
 * @param received records taken from the input topic so far (including redelivered ones)
 * @param succeeded records whose prediction was written to the output topic
 * @param failed records written to the failure topic (unreadable input or failed call)
 * @param inFlight records whose module call is running now (a finished record's output record is
 *     then written outside this count, within the {@code uncommitted} window)
 * @param peakInFlight the most records in flight at once so far; never above {@code concurrency}
 * @param uncommitted started records whose offset is not yet committed (at most {@code
 *     maxUncommitted}): the records a crash now could repeat
 * @param peakUncommitted the most uncommitted records at once so far
 * @param committed records whose offset commit the broker acknowledged
 * @param assignedPartitions partitions this runner owns now
 * @param lag records of the assigned partitions not yet committed: the consumer's lag behind the
 *     log end plus the records fetched or started but not committed, summed over the partitions;
 *     empty until the consumer knows every assigned partition's end offset
 */
public record KafkaRunnerProgress(
    long received,
    long succeeded,
    long failed,
    int inFlight,
    int peakInFlight,
    int uncommitted,
    int peakUncommitted,
    long committed,
    int assignedPartitions,
    OptionalLong lag) {

  /** Records finished so far, written to either topic. */
  public long done() {
    return succeeded + failed;
  }

  /** One line for a log or a terminal. */
  public String summary() {
    return done()
        + " done ("
        + failed
        + " failed), "
        + inFlight
        + " in flight, "
        + uncommitted
        + " uncommitted, "
        + assignedPartitions
        + " partitions, lag "
        + (lag.isPresent() ? String.valueOf(lag.getAsLong()) : "?");
  }
}
