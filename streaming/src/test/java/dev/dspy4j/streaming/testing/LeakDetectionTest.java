package dev.dspy4j.streaming.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Proves that a leaked ByteBuf is caught by the mechanism that fails the build. */
class LeakDetectionTest {

  @Test
  void aLeakedByteBufIsRecordedByTheLeakDetector() throws Exception {
    leakOneBuffer();

    List<String> caught = new ArrayList<>();
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (caught.isEmpty() && System.nanoTime() < deadline) {
      NettyLeakDetectionExtension.triggerDetection();
      caught.addAll(RecordingLeakDetector.drain(leak -> leak.contains("leakOneBuffer")));
    }

    assertThat(RecordingLeakDetector.instances()).isPositive();
    assertThat(caught)
        .as("the deliberately leaked buffer is reported, with where it was created")
        .hasSize(1)
        .allSatisfy(
            leak ->
                assertThat(leak).contains("LEAK of ").contains("LeakDetectionTest.leakOneBuffer"));
  }

  private static void leakOneBuffer() {
    ByteBuf leaked = ByteBufAllocator.DEFAULT.buffer(64);
    leaked.writeCharSequence("never released", StandardCharsets.US_ASCII);
    leaked.readByte(); // an access record at PARANOID
  }
}
