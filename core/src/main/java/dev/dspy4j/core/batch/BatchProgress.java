package dev.dspy4j.core.batch;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Where a batch run stands, as given to {@link BatchOptions.Builder#onProgress}.
 *
 * @param done inputs finished so far, successes and failures
 * @param failed inputs that failed so far
 * @param inFlight calls running now
 * @param peakInFlight the most calls that ran at once so far
 * @param tokens total tokens recorded by the LM calls of the run so far (through {@link
 *     dev.dspy4j.core.usage.UsageTracking}; 0 when the LM does not record usage)
 * @param elapsed time since the run started
 * @param total the number of inputs, when known ({@link BatchOptions.Builder#expectedTotal})
 */
public record BatchProgress(
    long done,
    long failed,
    int inFlight,
    int peakInFlight,
    long tokens,
    Duration elapsed,
    OptionalLong total) {

  /** Inputs finished with a value. */
  public long succeeded() {
    return done - failed;
  }

  /** Finished inputs per second since the start; 0 before the first one. */
  public double itemsPerSecond() {
    double seconds = elapsed.toNanos() / 1e9;
    return seconds > 0 ? done / seconds : 0;
  }

  /** The estimated time left, when the total is known and at least one input has finished. */
  public Optional<Duration> eta() {
    double rate = itemsPerSecond();
    if (total.isEmpty() || rate <= 0) {
      return Optional.empty();
    }
    long left = Math.max(0, total.getAsLong() - done);
    return Optional.of(Duration.ofMillis(Math.round(left / rate * 1000)));
  }

  /**
   * A one-line summary for a terminal, e.g. {@code 640/2000 (2 failed) 12 in flight 210.3/s ETA
   * 6s}.
   */
  public String summary() {
    var sb = new StringBuilder();
    sb.append(done);
    total.ifPresent(t -> sb.append('/').append(t));
    if (failed > 0) {
      sb.append(" (").append(failed).append(" failed)");
    }
    sb.append(' ').append(inFlight).append(" in flight ");
    sb.append(String.format(Locale.ROOT, "%.1f/s", itemsPerSecond()));
    if (tokens > 0) {
      sb.append(' ').append(tokens).append(" tokens");
    }
    eta().ifPresent(d -> sb.append(" ETA ").append(format(d)));
    return sb.toString();
  }

  private static String format(Duration d) {
    long s = d.toSeconds();
    return s >= 3600
        ? (s / 3600) + "h" + (s % 3600 / 60) + "m"
        : s >= 60 ? (s / 60) + "m" + (s % 60) + "s" : s + "s";
  }
}
