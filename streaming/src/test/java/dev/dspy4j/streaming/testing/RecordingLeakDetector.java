package dev.dspy4j.streaming.testing;

import io.netty.util.ResourceLeakDetector;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Netty's leak detector, recording every leak it reports so that a test can fail on it. Installed
 * by the system property {@code io.netty.customResourceLeakDetector} (see the streaming pom); Netty
 * instantiates it reflectively with one of the two constructors below.
 */
public final class RecordingLeakDetector<T> extends ResourceLeakDetector<T> {

  private static final Queue<String> LEAKS = new ConcurrentLinkedQueue<>();
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  public RecordingLeakDetector(Class<?> resourceType, int samplingInterval) {
    super(resourceType, samplingInterval);
    INSTANCES.incrementAndGet();
  }

  @SuppressWarnings("deprecation") // Netty still calls this constructor when it exists
  public RecordingLeakDetector(Class<?> resourceType, int samplingInterval, long maxActive) {
    super(resourceType, samplingInterval, maxActive);
    INSTANCES.incrementAndGet();
  }

  /** How many detectors Netty created from this class (0 means the property is not in effect). */
  public static int instances() {
    return INSTANCES.get();
  }

  /** Removes and returns the recorded leaks that match {@code filter}. */
  public static List<String> drain(Predicate<String> filter) {
    var drained = new ArrayList<String>();
    for (String leak : LEAKS) {
      if (filter.test(leak) && LEAKS.remove(leak)) {
        drained.add(leak);
      }
    }
    return drained;
  }

  @Override
  protected void reportTracedLeak(String resourceType, String records) {
    LEAKS.add("LEAK of " + resourceType + ":" + records);
    super.reportTracedLeak(resourceType, records);
  }

  @Override
  protected void reportUntracedLeak(String resourceType) {
    LEAKS.add("LEAK of " + resourceType + " (no access records; run at PARANOID to see them)");
    super.reportUntracedLeak(resourceType);
  }
}
