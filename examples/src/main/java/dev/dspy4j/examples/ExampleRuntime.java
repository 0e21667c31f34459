package dev.dspy4j.examples;

import dev.dspy4j.test.LocalGateway;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What an example runs against: the real Helicone AI Gateway when {@code HELICONE_API_KEY} is set,
 * otherwise an embedded {@link LocalGateway} started here (and announced on {@link #out()}). The
 * same example code talks to either: configure the LM with {@link #apiBase()}, {@link #apiKey()}
 * and {@link #model()}.
 */
public final class ExampleRuntime implements AutoCloseable {

  /** The key sent to the local gateway, which accepts any key. */
  public static final String LOCAL_API_KEY = "sk-local-gateway-no-key-needed";

  private final ExampleConfig config;
  private final PrintStream out;
  private final @Nullable LocalGateway gateway;
  private final boolean ownsGateway;

  private ExampleRuntime(
      ExampleConfig config, PrintStream out, @Nullable LocalGateway gateway, boolean ownsGateway) {
    this.config = config;
    this.out = out;
    this.gateway = gateway;
    this.ownsGateway = ownsGateway;
  }

  /** Runs against the configured gateway, or a new local one when there is no API key. */
  public static ExampleRuntime start(ExampleConfig config, PrintStream out) {
    return start(config, out, true, Duration.ZERO);
  }

  /**
   * Like {@link #start(ExampleConfig, PrintStream)}; with {@code callsLm} false no local gateway is
   * started (the example needs none); a local gateway waits {@code tokenDelay} between streamed
   * tokens.
   */
  public static ExampleRuntime start(
      ExampleConfig config, PrintStream out, boolean callsLm, Duration tokenDelay) {
    return start(config, out, callsLm, tokenDelay, true);
  }

  /**
   * Like {@link #start(ExampleConfig, PrintStream, boolean, Duration)}; with {@code printRequests}
   * false a local gateway does not print a line per request.
   */
  public static ExampleRuntime start(
      ExampleConfig config,
      PrintStream out,
      boolean callsLm,
      Duration tokenDelay,
      boolean printRequests) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(out, "out");
    if (!callsLm || !config.useLocalGateway()) {
      return new ExampleRuntime(config, out, null, false);
    }
    PrintStream log =
        printRequests
            ? out
            : new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
    var gateway = LocalGateway.builder().log(log).tokenDelay(tokenDelay).start();
    out.println(
        "No HELICONE_API_KEY set: using the embedded LOCAL GATEWAY at " + gateway.baseUrl());
    out.println(
        "(a stand-in for the Helicone AI Gateway with deterministic answers, no model; set");
    out.println(
        " HELICONE_API_KEY in the environment or ./.env to talk to "
            + ExampleConfig.DEFAULT_BASE_URL
            + ")");
    if (!printRequests) {
      out.println(
          "(its line per request is off for this example, so as not to break up the output)");
    }
    return new ExampleRuntime(config, out, gateway, true);
  }

  /** Runs against an existing local gateway (tests use this to inspect its requests). */
  public static ExampleRuntime withGateway(
      ExampleConfig config, PrintStream out, LocalGateway gateway) {
    return new ExampleRuntime(
        Objects.requireNonNull(config, "config"),
        Objects.requireNonNull(out, "out"),
        Objects.requireNonNull(gateway, "gateway"),
        false);
  }

  /** The configuration read from the environment and {@code .env}. */
  public ExampleConfig config() {
    return config;
  }

  /** Where the example prints. */
  public PrintStream out() {
    return out;
  }

  /** The base URL for the LM: the local gateway's when there is one, else the configured one. */
  public String apiBase() {
    return gateway != null ? gateway.baseUrl() : config.baseUrl();
  }

  /** The API key for the LM (a placeholder for the local gateway). */
  public String apiKey() {
    return config.apiKey().orElse(LOCAL_API_KEY);
  }

  /** The model string. */
  public String model() {
    return config.model();
  }

  /** The embedded local gateway, when the examples run without an API key. */
  public Optional<LocalGateway> localGateway() {
    return Optional.ofNullable(gateway);
  }

  /** Stops the local gateway if this runtime started one. */
  @Override
  public void close() {
    if (ownsGateway) {
      gateway.close();
    }
  }

  @Override
  public String toString() {
    return "ExampleRuntime["
        + apiBase()
        + ", model="
        + model()
        + (gateway != null ? ", local gateway" : "")
        + "]";
  }
}
