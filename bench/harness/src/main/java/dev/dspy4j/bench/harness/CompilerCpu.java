package dev.dspy4j.bench.harness;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;

/**
 * CPU time of this JVM's JIT compiler threads ({@code C1 CompilerThread*}, {@code C2
 * CompilerThread*}), read from {@code /proc/self/task/<tid>/stat} (Linux). The JVM hides these
 * threads from {@code ThreadMXBean}; process CPU includes them.
 *
 * <p>Why the bench needs it: on 2 cores the JIT keeps compiling long after a client's CPU per
 * completion looks steady, and a compiler thread busy for the whole measured window bills up to a
 * core's worth of CPU to it, several times the library's own work. The harness warms up until the
 * compilers are nearly idle and reports their CPU in the window apart from the rest.
 */
final class CompilerCpu {

  /** Clock ticks per second of {@code /proc} CPU times ({@code USER_HZ}, 100 on Linux). */
  private static final long TICKS_PER_SECOND = 100;

  private CompilerCpu() {}

  /** CPU nanoseconds the JIT compiler threads used so far, or -1 where {@code /proc} is absent. */
  static long nanos() {
    File[] tasks = new File("/proc/self/task").listFiles();
    if (tasks == null) {
      return -1;
    }
    long ticks = 0;
    for (File task : tasks) {
      String stat;
      try {
        stat = Files.readString(task.toPath().resolve("stat"));
      } catch (IOException e) {
        continue; // the thread ended meanwhile
      }
      int open = stat.indexOf('(');
      int close = stat.lastIndexOf(')');
      if (open < 0 || close < open) {
        continue;
      }
      String name = stat.substring(open + 1, close);
      if (!name.startsWith("C1 Compiler") && !name.startsWith("C2 Compiler")) {
        continue;
      }
      // After "pid (comm) ": state ppid pgrp session tty tpgid flags minflt cminflt majflt
      // cmajflt utime stime ...
      String[] f = stat.substring(close + 2).split(" ");
      ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }
    return ticks * (1_000_000_000L / TICKS_PER_SECOND);
  }
}
