package dev.dspy4j.redis.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code redis-server}, started by the test on a free loopback port (no persistence), and
 * stoppable and restartable on the same port. Fails (never skips) when {@code redis-server} is not
 * installed: {@code .ci/run} installs it.
 */
public final class RedisServer implements AutoCloseable {

  private final int port;
  private final List<String> extraArgs;
  private final Path dir;
  private Process process;

  private RedisServer(int port, List<String> extraArgs) throws IOException {
    this.port = port;
    this.extraArgs = extraArgs;
    this.dir = Files.createTempDirectory("dspy4j-redis-test");
  }

  /** Starts a server on a free loopback port. */
  public static RedisServer start(String... extraArgs) throws Exception {
    Exception last = null;
    for (int attempt = 0; attempt < 5; attempt++) {
      var server = new RedisServer(freePort(), List.of(extraArgs));
      try {
        server.startProcess();
        return server;
      } catch (IllegalStateException e) {
        last = e; // the port was taken meanwhile by another test: try another
      }
    }
    throw last;
  }

  /** {@code redis://127.0.0.1:<port>}. */
  public String uri() {
    return "redis://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  /** Stops the server (SIGTERM) and waits until it is gone. */
  public void stop() throws InterruptedException {
    if (process == null) return;
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    process = null;
  }

  /** Starts it again on the same port (empty: no persistence). */
  public void restart() throws Exception {
    stop();
    startProcess();
  }

  /** Runs {@code redis-cli} against this server and returns its output. */
  public String cli(String... args) throws Exception {
    var command =
        new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p", Integer.toString(port)));
    command.addAll(List.of(extraCliArgs()));
    command.addAll(List.of(args));
    Process cli = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!cli.waitFor(30, TimeUnit.SECONDS)) throw new IllegalStateException("redis-cli hung");
    return out.strip();
  }

  private String[] extraCliArgs() {
    int i = extraArgs.indexOf("--requirepass");
    return i < 0 ? new String[0] : new String[] {"--no-auth-warning", "-a", extraArgs.get(i + 1)};
  }

  private void startProcess() throws Exception {
    var command =
        new ArrayList<>(
            List.of(
                "redis-server",
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
                "--dir",
                dir.toString(),
                "--loglevel",
                "notice"));
    command.addAll(extraArgs);
    Process p;
    try {
      p = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new AssertionError(
          "redis-server is not installed (apt-get install -y redis-server; .ci/run does it)", e);
    }
    var ready = new CompletableFuture<Boolean>();
    var log = new StringBuilder();
    Thread reader =
        new Thread(
            () -> {
              try (var in =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                  synchronized (log) {
                    log.append(line).append('\n');
                  }
                  if (line.contains("Ready to accept connections")) ready.complete(true);
                }
              } catch (IOException e) {
                // the process ended
              }
              ready.complete(false);
            },
            "redis-server-" + port + "-output");
    reader.setDaemon(true);
    reader.start();
    boolean ok;
    try {
      ok = ready.get(Duration.ofSeconds(20).toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      ok = false;
    }
    if (!ok) {
      p.destroyForcibly();
      synchronized (log) {
        throw new IllegalStateException("redis-server did not start on port " + port + ":\n" + log);
      }
    }
    process = p;
  }

  private static int freePort() throws IOException {
    try (var socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() throws IOException {
    try {
      stop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      throw new IOException("cannot stop redis-server", e);
    }
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }
}
