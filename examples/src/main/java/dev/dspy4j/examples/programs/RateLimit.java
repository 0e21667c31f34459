package dev.dspy4j.examples.programs;

import dev.dspy4j.core.Dspy;
import dev.dspy4j.core.helicone.HeliconeHeaderNames;
import dev.dspy4j.core.helicone.RateLimitPolicy;
import dev.dspy4j.core.predict.Predict;
import dev.dspy4j.examples.Example;
import dev.dspy4j.examples.ExampleRuntime;
import dev.dspy4j.streaming.LM;
import java.time.Duration;
import java.util.Map;

/**
 * The page's "Rate Limiting", corrected. The page sends {@code 'Helicone-Rate-Limit-Policy':
 * 'basic-100'}, which the gateway silently ignores twice over: its header is {@code
 * Helicone-RateLimit-Policy} (no dash inside RateLimit), and {@code basic-100} is not a policy (the
 * grammar is {@code <quota>;w=<seconds>[;u=request|cents][;s=user|<property>]}). Either way every
 * request goes through unlimited and no error says so. The typed policy cannot be misspelt: 100
 * requests per hour is {@code 100;w=3600;u=request}. Like the page, it is set on the LM, so every
 * request carries it; {@code Helicone.rateLimit(policy)} sets it for one pipeline instead.
 */
public final class RateLimit implements Example {

  /** What the page sends: the wrong header name with a value the gateway cannot parse. */
  static final String PAGE_HEADER = "Helicone-Rate-Limit-Policy";

  static final String PAGE_VALUE = "basic-100";

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
    RateLimitPolicy policy = RateLimitPolicy.requests(100).per(Duration.ofHours(1));
    LM lm =
        LM.builder(runtime.model())
            .apiKey(runtime.apiKey())
            .apiBase(runtime.apiBase())
            .header(HeliconeHeaderNames.RATE_LIMIT_POLICY, policy.headerValue())
            .build();
    Dspy.configure(lm);

    var out = runtime.out();
    out.println(
        "The page's header '"
            + PAGE_HEADER
            + "' is not a Helicone header; did you mean '"
            + HeliconeHeaderNames.suggestion(PAGE_HEADER).orElseThrow()
            + "'?");
    try {
      RateLimitPolicy.parse(PAGE_VALUE);
    } catch (IllegalArgumentException e) {
      out.println("The page's value '" + PAGE_VALUE + "' is not a policy: " + e.getMessage());
    }
    out.println("Sending " + HeliconeHeaderNames.RATE_LIMIT_POLICY + ": " + policy.headerValue());

    var answer =
        Predict.of("question -> answer").call(Map.of("question", "What is a rate limit?")).block();
    out.println(answer.get("answer"));
    return 0;
  }
}
