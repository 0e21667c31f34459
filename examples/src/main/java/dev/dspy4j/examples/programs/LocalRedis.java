package dev.dspy4j.examples.programs;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away {@code redis-server} for the {@code redis-cache} example when no {@code REDIS_URL}
 * is given: a free loopback port, no persistence, stopped when the example ends. Needs Debian's
 * {@code redis-server} (or any) on the PATH.
 */
final class LocalRedis implements AutoCloseable {

  private final Process process;
  private final int port;

  private LocalRedis(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /** Starts one and waits until it accepts connections. */
  static LocalRedis start() throws IOException, InterruptedException {
    int port;
    try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    Path dir = Files.createTempDirectory("dspy4j-example-redis");
    Process p;
    try {
      p =
          new ProcessBuilder(
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
                      "--dir",
                      dir.toString()))
              .redirectErrorStream(true)
              .start();
    } catch (IOException e) {
      throw new IOException(
          "no redis-server on the PATH: install it (apt-get install redis-server) "
              + "or set REDIS_URL to a Redis of yours",
          e);
    }
    var ready = new CompletableFuture<Boolean>();
    Thread reader =
        new Thread(
            () -> {
              try (var in =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                  if (line.contains("Ready to accept connections")) ready.complete(true);
                }
              } catch (IOException e) {
                // it ended
              }
              ready.complete(false);
            },
            "local-redis-output");
    reader.setDaemon(true);
    reader.start();
    try {
      if (!ready.get(20, TimeUnit.SECONDS)) throw new IOException("redis-server did not start");
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      p.destroyForcibly();
      throw new IOException("redis-server did not start within 20 s", e);
    }
    return new LocalRedis(p, port);
  }

  String uri() {
    return "redis://127.0.0.1:" + port;
  }

  @Override
  public void close() {
    process.destroy();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
