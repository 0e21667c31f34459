package dev.dspy4j.streaming.internal;

import dev.dspy4j.core.helicone.Helicone;
import dev.dspy4j.core.http.Headers;
import dev.dspy4j.core.lm.GenerationOptions;
import dev.dspy4j.core.lm.LmConfigurationException;
import dev.dspy4j.core.lm.LmRequest;
import java.util.LinkedHashMap;
import reactor.util.context.ContextView;

/**
 * The one place where a call's {@link LmRequest} is merged with the LM's defaults, as DSPy merges
 * {@code {**lm.kwargs, **call_kwargs}}: per-call values win; extra body fields merge key by key;
 * {@code cache} falls back to the LM's switch. Headers come from {@link Helicone#requestHeaders}:
 * the LM's raw default headers, then its typed Helicone defaults with the Reactor Context's
 * Helicone headers layered on top, then the call's own headers (the innermost wins, names compared
 * ignoring case, properties accumulate), every name and value checked.
 *
 * <p>The result is the <em>effective request</em>: together with the model it determines the JSON
 * body and every header sent (except {@code Authorization}, {@code Content-Type}, {@code Accept}),
 * so the cache keys on {@code (model, effective request)} (leaving out tracing and credential
 * headers).
 */
public final class EffectiveRequest {

  private EffectiveRequest() {}

  /**
   * Merges and validates, for a call made under {@code context}.
   *
   * @throws LmConfigurationException when a header is invalid (CR, LF or another control character,
   *     non-ASCII, a bad Helicone rate-limit policy or request id: the message names the header and
   *     never repeats its value), or a reasoning model gets a temperature or max tokens it rejects
   */
  public static LmRequest resolve(LmSettings lm, LmRequest call, ContextView context) {
    Headers headers;
    try {
      headers = Helicone.requestHeaders(lm.headers(), lm.helicone(), context, call.headers());
    } catch (IllegalArgumentException e) {
      // One failure type for everything wrong with a call before it is sent:
      // LmConfigurationException
      // (an LmException, so one onErrorResume(LmException.class, ...) covers it). The message
      // already
      // names the header and never holds its value.
      throw new LmConfigurationException(e.getMessage());
    }

    var extraBody = new LinkedHashMap<String, Object>(lm.extraBody());
    extraBody.putAll(call.extraBody());

    GenerationOptions options = lm.options().overrideWith(call.options());
    LmRequest.Builder b =
        LmRequest.builder(call.messages()).options(options).headers(headers).extraBody(extraBody);
    call.responseFormat().ifPresent(b::responseFormat);
    b.cache(call.cache().orElse(lm.cache()));
    call.rolloutId().ifPresent(b::rolloutId);
    b.tools(call.tools());
    call.toolChoice().ifPresent(b::toolChoice);

    ReasoningModels.check(lm.model(), options);
    return b.build();
  }
}
