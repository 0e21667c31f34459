package dev.dspy4j.streaming.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty reports a leaked buffer: after the class, it forces garbage
 * collection and allocates tracked buffers (Netty reports leaks when it tracks a new buffer), then
 * fails with the leak records. Registered for every test class by JUnit's extension auto-detection
 * (META-INF/services + junit-platform.properties). It also fails when the recording detector is not
 * installed or the level is not PARANOID, so the check cannot silently go away.
 */
public final class NettyLeakDetectionExtension implements AfterAllCallback {

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    List<String> leaks = collectLeaks(3);
    if (RecordingLeakDetector.instances() == 0) {
      throw new AssertionError(
          "Netty's leak detector is not RecordingLeakDetector: run the tests with "
              + "-Dio.netty.customResourceLeakDetector="
              + RecordingLeakDetector.class.getName());
    }
    // PARANOID unless the surefire execution declares otherwise (the throughput tests: SIMPLE).
    var expected =
        ResourceLeakDetector.Level.valueOf(
            System.getProperty("dspy4j.test.leakDetectionLevel", "PARANOID"));
    if (ResourceLeakDetector.getLevel() != expected) {
      throw new AssertionError(
          "Netty's leak detection level is "
              + ResourceLeakDetector.getLevel()
              + ", expected "
              + expected
              + " (-Dio.netty.leakDetection.level="
              + expected.name().toLowerCase()
              + ")");
    }
    if (!leaks.isEmpty()) {
      throw new AssertionError(
          leaks.size()
              + " Netty buffer leak(s) reported after "
              + context.getDisplayName()
              + ":\n"
              + String.join("\n\n", leaks));
    }
  }

  /**
   * Runs {@code rounds} of GC plus tracked allocations, then returns (and clears) every recorded
   * leak.
   */
  public static List<String> collectLeaks(int rounds) throws InterruptedException {
    for (int i = 0; i < rounds; i++) {
      triggerDetection();
    }
    return RecordingLeakDetector.drain(leak -> true);
  }

  /**
   * One round: collect garbage, then allocate and release tracked buffers so Netty polls its queue.
   */
  public static void triggerDetection() throws InterruptedException {
    System.gc();
    Thread.sleep(50);
    for (ByteBufAllocator allocator :
        new ByteBufAllocator[] {
          ByteBufAllocator.DEFAULT, PooledByteBufAllocator.DEFAULT, UnpooledByteBufAllocator.DEFAULT
        }) {
      for (int j = 0; j < 20; j++) {
        ByteBuf buf = allocator.directBuffer(8);
        buf.release();
        buf = allocator.heapBuffer(8);
        buf.release();
      }
    }
  }
}
