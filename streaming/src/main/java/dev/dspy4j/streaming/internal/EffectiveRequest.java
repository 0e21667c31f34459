package dev.dspy4j.streaming.internal;

import dev.dspy4j.core.lm.LmConfigurationException;
import dev.dspy4j.core.lm.LmRequest;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one place where a call's {@link LmRequest} is merged with the LM's defaults, as DSPy merges
 * {@code {**lm.kwargs, **call_kwargs}}: per-call values win; extra body fields merge key by key;
 * headers merge by name (ignoring case) in the order LM defaults &lt; Helicone headers from the Reactor
 * Context &lt; per-call headers; {@code cache} falls back to the LM's switch.
 *
 * <p>The result is the <em>effective request</em>: together with the model it determines the JSON
 * body and every header sent (except {@code Authorization}, {@code Content-Type}, {@code Accept}),
 * so a cache keys on {@code (model, effective request)} (leaving out tracing and credential headers).
 */
public final class EffectiveRequest {

  private EffectiveRequest() {}

  /**
   * Merges and validates.
   *
   * @throws LmConfigurationException when a header is illegal or a reasoning model gets a
   *     temperature or max tokens it rejects
   */
  public static LmRequest resolve(LmSettings lm, LmRequest call, Map<String, String> contextHeaders) {
    Map<String, String> headers = HttpHeaderRules.merge(lm.headers(), contextHeaders, call.headers());
    headers.forEach(HttpHeaderRules::validate);

    var extraBody = new LinkedHashMap<String, Object>(lm.extraBody());
    extraBody.putAll(call.extraBody());

    LmRequest.Builder b = LmRequest.builder(call.messages()).stop(call.stop()).headers(headers).extraBody(extraBody);
    call.n().ifPresent(b::n);
    Double temperature = call.temperature().isPresent() ? Double.valueOf(call.temperature().getAsDouble()) : lm.temperature();
    Integer maxTokens = call.maxTokens().isPresent() ? Integer.valueOf(call.maxTokens().getAsInt()) : lm.maxTokens();
    if (temperature != null) {
      b.temperature(temperature);
    }
    if (maxTokens != null) {
      b.maxTokens(maxTokens);
    }
    call.responseFormat().ifPresent(b::responseFormat);
    b.cache(call.cache().orElse(lm.cache()));
    call.rolloutId().ifPresent(b::rolloutId);

    ReasoningModels.check(lm.model(), temperature, maxTokens);
    return b.build();
  }
}
