package dev.dspy4j.bench.harness;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/** Tracks the largest heap occupancy seen right after any GC (the live set plus what survived). */
final class HeapWatcher {

  private final AtomicLong maxAfterGc = new AtomicLong();
  private final Set<String> heapPools =
      ManagementFactory.getMemoryPoolMXBeans().stream()
          .filter(p -> p.getType() == MemoryType.HEAP)
          .map(MemoryPoolMXBean::getName)
          .collect(Collectors.toSet());
  private volatile boolean armed;

  HeapWatcher() {
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof NotificationEmitter emitter) {
        emitter.addNotificationListener(
            (n, hb) -> {
              if (armed
                  && GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(
                      n.getType())) {
                GarbageCollectionNotificationInfo info =
                    GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
                long used = 0;
                for (var e : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
                  if (heapPools.contains(e.getKey())) {
                    used += e.getValue().getUsed();
                  }
                }
                record(used);
              }
            },
            null,
            null);
      }
    }
  }

  void arm() {
    maxAfterGc.set(0);
    armed = true;
  }

  void disarm() {
    armed = false;
  }

  /** Forces a full GC now and records what is still live. */
  void measureLiveNow() {
    System.gc();
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    record(heap.getUsed());
  }

  private void record(long used) {
    maxAfterGc.accumulateAndGet(used, Math::max);
  }

  double maxMb() {
    return maxAfterGc.get() / (1024.0 * 1024.0);
  }
}
