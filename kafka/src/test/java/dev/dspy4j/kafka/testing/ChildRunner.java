package dev.dspy4j.kafka.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * The test's side of a {@link RunnerProcess}: starts it as a real process (this JVM's {@code java}
 * and test class path), starts runs in it ({@link #go}), reads its reports and can kill it with
 * SIGKILL the moment a report satisfies a condition (from the thread that reads the reports, so the
 * kill follows the report by as little as possible). Reports, assignments and the kill are those of
 * the current run.
 */
public final class ChildRunner implements AutoCloseable {

  /**
   * One {@code PROGRESS} line of the child.
   *
   * @param epochMillis when the child took it ({@code System.currentTimeMillis()}, one clock for
   *     the machine)
   * @param cpuMillis CPU time of the child process since {@code GO}
   * @param jitMillis time its JIT compilers spent since {@code GO}
   * @param gcMillis time its garbage collectors spent since {@code GO}
   */
  public record Report(
      long epochMillis,
      long done,
      long inFlight,
      long uncommitted,
      int assigned,
      long peakInFlight,
      long cpuMillis,
      long jitMillis,
      long gcMillis) {}

  /** The last report before the kill, and when the kill was done. */
  public record Kill(Report lastReport, long killedAtEpochMillis) {
    /** Time from the child's last report to the kill. */
    public long sinceReportMillis() {
      return killedAtEpochMillis - lastReport.epochMillis();
    }
  }

  private final String name;
  private final Process process;
  private final OutputStream stdin;
  private final CountDownLatch ready = new CountDownLatch(1);
  private final AtomicReference<CountDownLatch> stopped =
      new AtomicReference<>(new CountDownLatch(1));
  private final AtomicReference<@Nullable Report> last = new AtomicReference<>();

  /** (epochMillis, partitions) each time the number of partitions the child owns changed. */
  private final List<long[]> assignments = new java.util.concurrent.CopyOnWriteArrayList<>();

  private final int allPartitions;
  private final AtomicReference<@Nullable Predicate<Report>> killWhen = new AtomicReference<>();
  private final AtomicReference<@Nullable Kill> kill = new AtomicReference<>();
  private final List<String> otherLines = new ArrayList<>();

  /** This run's losses of uncommitted work other than a kill (see {@link #losses}). */
  private final AtomicInteger losses = new AtomicInteger();

  private ChildRunner(String name, Process process, int allPartitions) {
    this.name = name;
    this.allPartitions = allPartitions;
    this.process = process;
    this.stdin = process.getOutputStream();
    var reader = new Thread(this::read, "child-" + name);
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts {@link RunnerProcess} with these arguments; the input topic has {@code partitions}
   * partitions.
   */
  public static ChildRunner start(String name, int partitions, String... args) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    var command =
        new ArrayList<>(
            List.of(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"));
    // e.g. -Ddspy4j.kafka.childJvmOptions=-XX:StartFlightRecording=filename=target/child.jfr to
    // profile the runners
    String extra =
        System.getProperty("dspy4j.kafka.childJvmOptions", "")
            .replace("{name}", name.replace(' ', '-'));
    if (!extra.isBlank()) command.addAll(List.of(extra.trim().split("\\s+")));
    command.add(RunnerProcess.class.getName());
    command.addAll(List.of(args));
    return new ChildRunner(
        name, new ProcessBuilder(command).redirectErrorStream(true).start(), partitions);
  }

  private void read() {
    try (var r =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.startsWith("PROGRESS ")) {
          String[] f = line.split(" ");
          var report =
              new Report(
                  Long.parseLong(f[1]),
                  Long.parseLong(f[2]),
                  Long.parseLong(f[3]),
                  Long.parseLong(f[4]),
                  Integer.parseInt(f[5]),
                  Long.parseLong(f[6]),
                  Long.parseLong(f[7]),
                  Long.parseLong(f[8]),
                  Long.parseLong(f[9]));
          Predicate<Report> condition = killWhen.get();
          if (condition != null && kill.get() == null && condition.test(report)) {
            process.destroyForcibly(); // SIGKILL: no drain, no commit, no leaving the group
            kill.set(new Kill(report, System.currentTimeMillis()));
          }
          last.set(report);
          if (assignments.isEmpty()
              || assignments.get(assignments.size() - 1)[1] != report.assigned()) {
            assignments.add(new long[] {report.epochMillis(), report.assigned()});
          }
        } else if (line.equals("READY")) {
          ready.countDown();
        } else if (line.equals("STOPPED")) {
          stopped.get().countDown();
        } else {
          // The runner's own warnings when it gives up partitions without committing their work.
          if (line.contains("': lost [") || line.contains("the final offset commit failed"))
            losses.incrementAndGet();
          synchronized (otherLines) {
            otherLines.add(line);
          }
          System.out.println("[" + name + "] " + line);
        }
      }
    } catch (IOException e) {
      // killed
    }
  }

  /** Waits for {@code READY} (the warm-up is done). */
  public void awaitReady(Duration timeout) throws InterruptedException {
    if (!ready.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError(
          name
              + " did not get ready in "
              + timeout
              + (process.isAlive() ? "" : "; it exited with " + process.exitValue())
              + "; its output: "
              + otherLines());
    }
  }

  /**
   * Starts a run in the child (after {@code READY}, or after the previous run's {@link #finish}): a
   * runner of group {@code group} from topic {@code in} to {@code out} and {@code failed}. Forgets
   * the previous run's reports.
   */
  public void go(String group, String in, String out, String failed) throws IOException {
    last.set(null);
    assignments.clear();
    losses.set(0);
    stopped.set(new CountDownLatch(1));
    send("GO " + group + " " + in + " " + out + " " + failed);
  }

  private void send(String line) throws IOException {
    stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    stdin.flush();
  }

  /** Kills the child with SIGKILL as soon as one of its reports satisfies {@code condition}. */
  public void killWhen(Predicate<Report> condition) {
    killWhen.set(condition);
  }

  /** The kill, once done. */
  public @Nullable Kill kill() {
    return kill.get();
  }

  /**
   * How often in this run the child gave up partitions with work it had not committed, other than
   * by being killed: the broker fenced it (its session expired, e.g. on a machine too busy to let
   * it heartbeat within the session timeout: partitions "lost"), or its last commit before giving
   * partitions up failed. Each time, the partitions' next owner repeats at most {@code
   * maxUncommitted} records: the runner never has more started but uncommitted.
   */
  public int losses() {
    return losses.get();
  }

  /** The last report, or null before the first. */
  public @Nullable Report last() {
    return last.get();
  }

  /**
   * When a report at or after {@code epochMillis} first showed every partition assigned to this
   * child, or 0.
   */
  public long allAssignedAfter(long epochMillis) {
    for (long[] change : assignments) {
      if (change[0] >= epochMillis && change[1] == allPartitions) return change[0];
    }
    return 0;
  }

  /**
   * Sends {@code STOP} and waits until the child drained and left the group; it then waits for the
   * next {@link #go}.
   */
  public void finish(Duration timeout) throws Exception {
    send("STOP");
    if (!stopped.get().await(timeout.toMillis(), TimeUnit.MILLISECONDS))
      throw new AssertionError(name + " did not stop");
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Lines of the child's output that are not part of the protocol (warnings, errors). */
  public List<String> otherLines() {
    synchronized (otherLines) {
      return List.copyOf(otherLines);
    }
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
