package dev.dspy4j.test;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a {@link LocalGateway} in the foreground until the process is stopped: {@code java -jar
 * dspy4j-test-<version>-gateway.jar [--port N] [--token-delay-ms N] [--quiet]}. Point any
 * OpenAI-compatible client at the printed base URL (for a dspy4j program: {@code
 * HELICONE_BASE_URL=http://127.0.0.1:N/v1}).
 */
public final class LocalGatewayMain {

  /** The exit code for a command line that cannot be understood. */
  public static final int USAGE = 2;

  /** The delay per streamed token unless {@code --token-delay-ms} says otherwise. */
  public static final Duration DEFAULT_TOKEN_DELAY = Duration.ofMillis(30);

  private LocalGatewayMain() {}

  /** Starts the gateway from the command line and waits until the JVM is stopped (Ctrl-C). */
  public static void main(String[] args) {
    Options options;
    try {
      options = Options.parse(List.of(args));
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println(Options.USAGE_LINE);
      System.exit(USAGE);
      return;
    }
    LocalGateway gateway = start(options, System.out);
    Runtime.getRuntime().addShutdownHook(new Thread(gateway::close, "local-gateway-shutdown"));
    // The event loop threads are daemons: the main thread keeps the JVM alive until the gateway
    // closes.
    var closed = new CountDownLatch(1);
    gateway.onClose().subscribe(null, e -> closed.countDown(), closed::countDown);
    try {
      closed.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Starts a gateway for these options and prints how to reach it on {@code out} (its request lines
   * too, unless {@code quiet}). The caller closes it.
   */
  public static LocalGateway start(Options options, PrintStream out) {
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(out, "out");
    PrintStream log = options.quiet() ? new PrintStream(PrintStream.nullOutputStream()) : out;
    LocalGateway gateway =
        LocalGateway.builder()
            .port(options.port())
            .tokenDelay(options.tokenDelay())
            .log(log)
            .start();
    out.println(
        "Local gateway (a stand-in for the Helicone AI Gateway, no model) listening on "
            + gateway.baseUrl());
    out.println("Point a dspy4j program at it: HELICONE_BASE_URL=" + gateway.baseUrl());
    out.println(
        "or try: curl -N "
            + gateway.baseUrl()
            + "/chat/completions -H 'Authorization: Bearer sk-test'"
            + " -H 'Helicone-User-Id: user-123' -d '{\"model\":\"gpt-4o-mini\",\"stream\":true,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Hello, world!\"}]}'");
    out.println("Press Ctrl-C to stop.");
    return gateway;
  }

  /**
   * The command line of the gateway.
   *
   * @param port the loopback port, 0 for a free one
   * @param tokenDelay the wait before each streamed token
   * @param quiet whether the line per request is left out
   */
  public record Options(int port, Duration tokenDelay, boolean quiet) {

    /** One line saying what the command line may contain. */
    public static final String USAGE_LINE =
        "usage: [--port N (0..65535, default 0: a free port)] [--token-delay-ms N (default 30)] [--quiet]";

    /** Checks the values. */
    public Options {
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("--port must be 0..65535 (got " + port + ")");
      }
      Objects.requireNonNull(tokenDelay, "tokenDelay");
      if (tokenDelay.isNegative()) {
        throw new IllegalArgumentException(
            "--token-delay-ms must not be negative (got " + tokenDelay.toMillis() + ")");
      }
    }

    /**
     * {@code --port N}, {@code --port=N}, {@code --token-delay-ms N}, {@code --quiet}, in any
     * order.
     */
    public static Options parse(List<String> args) {
      int port = 0;
      Duration delay = DEFAULT_TOKEN_DELAY;
      boolean quiet = false;
      for (int i = 0; i < args.size(); i++) {
        String arg = args.get(i);
        String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
        switch (name) {
          case "--quiet" -> quiet = true;
          case "--port", "--token-delay-ms" -> {
            String value;
            if (arg.contains("=")) {
              value = arg.substring(arg.indexOf('=') + 1);
            } else if (i + 1 < args.size()) {
              value = args.get(++i);
            } else {
              throw new IllegalArgumentException(name + " needs a number");
            }
            long number;
            try {
              number = Long.parseLong(value.strip());
            } catch (NumberFormatException e) {
              throw new IllegalArgumentException(name + " needs a number (got '" + value + "')");
            }
            if (name.equals("--port")) {
              if (number < 0 || number > 65_535) {
                throw new IllegalArgumentException("--port must be 0..65535 (got " + number + ")");
              }
              port = (int) number;
            } else {
              if (number < 0) {
                throw new IllegalArgumentException(
                    "--token-delay-ms must not be negative (got " + number + ")");
              }
              delay = Duration.ofMillis(number);
            }
          }
          default -> throw new IllegalArgumentException("unknown option '" + arg + "'");
        }
      }
      return new Options(port, delay, quiet);
    }
  }
}
