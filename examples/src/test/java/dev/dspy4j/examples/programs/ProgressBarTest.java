package dev.dspy4j.examples.programs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.core.batch.BatchProgress;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ProgressBarTest {

  @Test
  void showsTheBarDoneOverTotalRateAndEta() {
    var halfway = new BatchProgress(20, 0, 8, 8, 0, Duration.ofSeconds(2), OptionalLong.of(40));

    assertThat(ProgressBar.render(halfway))
        .isEqualTo("[" + "#".repeat(15) + ".".repeat(15) + "] 20/40 8 in flight 10.0/s ETA 2s");
  }

  @Test
  void withoutATotalThereIsNoBarOnlyTheSummary() {
    var progress = new BatchProgress(7, 1, 3, 4, 0, Duration.ofSeconds(1), OptionalLong.empty());

    assertThat(ProgressBar.render(progress)).isEqualTo("7 (1 failed) 3 in flight 7.0/s");
  }

  @Test
  void eachUpdateRewritesTheSameTerminalLine() {
    var out = new ByteArrayOutputStream();
    var bar = new ProgressBar(new PrintStream(out, true, StandardCharsets.UTF_8));

    bar.show(new BatchProgress(1, 0, 2, 2, 0, Duration.ofSeconds(1), OptionalLong.of(2)));
    bar.show(new BatchProgress(2, 0, 0, 2, 0, Duration.ofSeconds(2), OptionalLong.of(2)));

    assertThat(out.toString(StandardCharsets.UTF_8))
        .isEqualTo(
            "\r["
                + "#".repeat(15)
                + ".".repeat(15)
                + "] 1/2 2 in flight 1.0/s ETA 1s"
                + "\r["
                + "#".repeat(30)
                + "] 2/2 0 in flight 1.0/s ETA 0s")
        .doesNotContain("\n");
  }
}
