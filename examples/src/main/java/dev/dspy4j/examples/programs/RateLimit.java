package dev.dspy4j.examples.programs;

import dev.dspy4j.core.Dspy;
import dev.dspy4j.core.helicone.Helicone;
import dev.dspy4j.core.helicone.RateLimitPolicy;
import dev.dspy4j.core.predict.Predict;
import dev.dspy4j.examples.Example;
import dev.dspy4j.examples.ExampleRuntime;
import dev.dspy4j.streaming.LM;
import java.time.Duration;
import java.util.Map;

/**
 * The page's "Rate Limiting", corrected. The page sends {@code 'Helicone-Rate-Limit-Policy':
 * 'basic-100'}: the gateway reads {@code Helicone-RateLimit-Policy} (no dash in RateLimit) and
 * {@code basic-100} is not a policy, so it silently limits nothing. The typed policy cannot be
 * misspelt: 100 requests per hour is {@code 100;w=3600;u=request}.
 */
public final class RateLimit implements Example {

  @Override
  public String name() {
    return "rate-limit";
  }

  @Override
  public String summary() {
    return "a valid Helicone-RateLimit-Policy from the typed API (the page's header is misspelt)";
  }

  @Override
  public int run(ExampleRuntime runtime) {
    LM lm = LM.builder(runtime.model()).apiKey(runtime.apiKey()).apiBase(runtime.apiBase()).build();
    Dspy.configure(lm);
    RateLimitPolicy policy = RateLimitPolicy.requests(100).per(Duration.ofHours(1));

    var answer = Predict.of("question -> answer")
        .call(Map.of("question", "What is a rate limit?"))
        .contextWrite(Helicone.rateLimit(policy))
        .block();
    runtime.out().println("Helicone-RateLimit-Policy: " + policy.headerValue());
    runtime.out().println(answer.get("answer"));
    return 0;
  }
}
