package dev.dspy4j.examples.gateway;

import dev.dspy4j.examples.Example;
import dev.dspy4j.examples.ExampleRuntime;
import dev.dspy4j.test.LocalGateway;
import dev.dspy4j.test.LocalGatewayMain;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * {@code gateway [--port N] [--token-delay-ms N] [--quiet]}: runs the local stand-in gateway
 * (dspy4j-test's {@link LocalGateway}) in the foreground, so any OpenAI-compatible client (curl, a
 * dspy4j program with {@code HELICONE_BASE_URL}, Python DSPy with {@code api_base}) can be pointed
 * at it and its headers inspected. The same as {@code java -jar dspy4j-test-<version>-gateway.jar}.
 */
public final class GatewayExample implements Example {

  @Override
  public String name() {
    return "gateway";
  }

  @Override
  public String summary() {
    return "run the local gateway (stand-in for Helicone) until Ctrl-C: [--port N] [--token-delay-ms N] [--quiet]";
  }

  @Override
  public boolean callsLm() {
    return false;
  }

  @Override
  public int run(ExampleRuntime runtime) throws InterruptedException {
    return run(runtime, List.of());
  }

  @Override
  public int run(ExampleRuntime runtime, List<String> args) throws InterruptedException {
    LocalGatewayMain.Options options;
    try {
      options = LocalGatewayMain.Options.parse(args);
    } catch (IllegalArgumentException e) {
      runtime.out().println(e.getMessage());
      runtime.out().println(LocalGatewayMain.Options.USAGE_LINE);
      return 2;
    }
    try (LocalGateway gateway = LocalGatewayMain.start(options, runtime.out())) {
      var closed = new CountDownLatch(1);
      gateway.onClose().subscribe(null, e -> closed.countDown(), closed::countDown);
      closed.await();
    }
    return 0;
  }
}
