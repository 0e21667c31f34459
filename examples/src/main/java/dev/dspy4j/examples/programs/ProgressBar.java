package dev.dspy4j.examples.programs;

import dev.dspy4j.core.batch.BatchProgress;
import java.io.PrintStream;

/**
 * A one-line progress bar for a terminal: {@code [#########.........] 40/100 8 in flight 31.5/s ETA
 * 2s}. Each update rewrites the line ({@code \r}); the numbers are {@link BatchProgress#summary()}.
 */
final class ProgressBar {

  private static final int WIDTH = 30;

  private final PrintStream out;

  ProgressBar(PrintStream out) {
    this.out = out;
  }

  /**
   * Rewrites the line with this progress; called by the batch run, at most every 200 ms and at the
   * end.
   */
  void show(BatchProgress progress) {
    out.print("\r" + render(progress));
    out.flush();
  }

  /** The line for this progress: a bar when the total is known, then the summary. */
  static String render(BatchProgress progress) {
    String bar = "";
    if (progress.total().isPresent() && progress.total().getAsLong() > 0) {
      long total = progress.total().getAsLong();
      int filled = (int) Math.min(WIDTH, progress.done() * WIDTH / total);
      bar = "[" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "] ";
    }
    return bar + progress.summary();
  }
}
