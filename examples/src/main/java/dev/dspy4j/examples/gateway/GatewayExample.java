package dev.dspy4j.examples.gateway;

import dev.dspy4j.examples.Example;
import dev.dspy4j.examples.ExampleRuntime;
import java.time.Duration;

/**
 * {@code gateway}: runs the local stand-in gateway in the foreground, so any OpenAI-compatible
 * client (curl, Python DSPy with {@code api_base}) can be pointed at it and its headers inspected.
 */
public final class GatewayExample implements Example {

  @Override
  public String name() {
    return "gateway";
  }

  @Override
  public String summary() {
    return "run the embedded local gateway (stand-in for Helicone) until Ctrl-C; prints every request";
  }

  @Override
  public boolean callsLm() {
    return false;
  }

  @Override
  public int run(ExampleRuntime runtime) {
    var out = runtime.out();
    try (var gateway = LocalGateway.builder().log(out).tokenDelay(Duration.ofMillis(30)).start()) {
      out.println("Local gateway (NOT the real Helicone AI Gateway) listening on " + gateway.baseUrl());
      out.println("Try: curl -N " + gateway.baseUrl() + "/chat/completions -H 'Authorization: Bearer sk-test'"
          + " -H 'Helicone-User-Id: user-123' -d '{\"model\":\"gpt-4o-mini\",\"stream\":true,"
          + "\"messages\":[{\"role\":\"user\",\"content\":\"Hello, world!\"}]}'");
      out.println("Press Ctrl-C to stop.");
      gateway.onClose().block();
    }
    return 0;
  }
}
