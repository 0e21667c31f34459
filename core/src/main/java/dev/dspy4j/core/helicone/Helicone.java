package dev.dspy4j.core.helicone;

import dev.dspy4j.core.http.HeaderValues;
import dev.dspy4j.core.http.Headers;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Function;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * Helicone sessions, users and properties carried by the Reactor {@link Context}: set them once
 * where a request enters, and every LM call made downstream in that pipeline sends them, across
 * {@code flatMap}, {@code publishOn}, retries and any number of concurrent pipelines, with no
 * parameter threading and no ThreadLocal.
 *
 * <pre>{@code
 * cot.call(inputs)
 *    .contextWrite(Helicone.session(sessionId, "Customer Support", "/support/chat"))
 *    .contextWrite(Helicone.user("user-123"))
 *    .contextWrite(Helicone.property("Environment", "production"));
 * }</pre>
 *
 * <p>Each method returns a Context change for {@code contextWrite}. Changes layer: the one closest
 * to the call (written first in the chain, applied last by Reactor) wins for the same header;
 * properties accumulate; {@link #childPath(String)} appends to the session path set further out.
 */
public final class Helicone {

  private static final Object KEY =
      new Object() {
        @Override
        public String toString() {
          return "dspy4j.helicone";
        }
      };

  private Helicone() {}

  /** Puts a whole typed set of headers in the Context, layered over what is already there. */
  public static Function<Context, Context> with(HeliconeHeaders headers) {
    Objects.requireNonNull(headers, "headers must not be null");
    return ctx -> ctx.put(KEY, current(ctx).overriddenBy(headers));
  }

  /**
   * Session id, name and path ({@code Helicone-Session-*}); the path is normalised to {@code /a/b}.
   */
  public static Function<Context, Context> session(String id, String name, String path) {
    return with(HeliconeHeaders.builder().session(id, name, path).build());
  }

  /**
   * A new session with a random UUID (version 4) id. The id is drawn each time the Context is
   * built, that is once per subscription: every subscription of the pipeline is its own session,
   * and all LM calls inside one subscription (including their retries) share it.
   */
  public static Function<Context, Context> newSession(String name, String path) {
    HeliconeHeaders template =
        HeliconeHeaders.builder().sessionName(name).sessionPath(path).build();
    return ctx ->
        with(template.toBuilder().sessionId(UUID.randomUUID().toString()).build()).apply(ctx);
  }

  /** {@code Helicone-User-Id}. */
  public static Function<Context, Context> user(String id) {
    return with(HeliconeHeaders.builder().userId(id).build());
  }

  /** {@code Helicone-Property-<name>: value}; properties from several writes accumulate. */
  public static Function<Context, Context> property(String name, String value) {
    return with(HeliconeHeaders.builder().property(name, value).build());
  }

  /**
   * Appends {@code /segment} to the session path already in the Context (or, at request time, to
   * the LM's default path); with no path anywhere the request is sent with {@code /segment}.
   * Modules use this to form a tree: {@code /support/chat/retrieve}, {@code /support/chat/answer}.
   */
  public static Function<Context, Context> childPath(String segment) {
    return with(HeliconeHeaders.builder().childPath(segment).build());
  }

  /**
   * {@code Helicone-Request-Id} (a UUID of version 1 to 5). Put it closest to a single call: every
   * request made under this Context sends it, and two requests must not share an id.
   */
  public static Function<Context, Context> requestId(UUID id) {
    return with(HeliconeHeaders.builder().requestId(id).build());
  }

  /** {@code Helicone-RateLimit-Policy}, validated against the gateway's grammar. */
  public static Function<Context, Context> rateLimit(RateLimitPolicy policy) {
    return with(HeliconeHeaders.builder().rateLimitPolicy(policy).build());
  }

  /**
   * The typed Helicone headers written into this Context; {@link HeliconeHeaders#empty()} if none.
   */
  public static HeliconeHeaders current(ContextView context) {
    Objects.requireNonNull(context, "context must not be null");
    return context.getOrDefault(KEY, HeliconeHeaders.empty());
  }

  /**
   * The Helicone request headers written into this Context, in the order they should be sent. An LM
   * merges them over its own default headers when it makes a request; prefer {@link
   * #requestHeaders}, which also merges, validates and checks spelling.
   */
  public static Headers headers(ContextView context) {
    return current(context).toHeaders();
  }

  /**
   * The headers an LM sends for one request, assembled and checked. Layers, each winning over the
   * one before for the same header (names compared ignoring case; the winner goes last):
   *
   * <ol>
   *   <li>{@code lmHeaders}: the LM's raw default headers ({@code LM.builder(...).header(..)});
   *   <li>{@code lmHelicone}: the LM's typed defaults ({@code .helicone(..)}), with the Context's
   *       Helicone headers ({@link #current}) layered on top; a Context child path is appended to
   *       the default path, raw or typed;
   *   <li>{@code callHeaders}: the request's own headers ({@code LmRequest.headers()}).
   * </ol>
   *
   * Every name and value was checked when its {@link Headers} was built ({@link
   * HeaderValues#validate}: no CR/LF/control characters, ASCII only, token names). Then: {@link
   * HeliconeHeaderNames#checkSpelling} (warns on near-misses such as {@code
   * Helicone-Rate-Limit-Policy}), a {@code Helicone-RateLimit-Policy} must parse and its {@code
   * s=user}/{@code s=<property>} segment header must be present, a {@code Helicone-Request-Id} must
   * be a UUID, a raw {@code Helicone-Session-Path} is normalised. A session path made only of child
   * paths ({@link #childPath}, {@code withSessionPath}) is left out when no layer sets a {@code
   * Helicone-Session-Id}: there is no session for it to belong to.
   *
   * @return the headers to send, in order
   * @throws IllegalArgumentException naming the header, if any header is invalid; nothing may be
   *     sent
   */
  public static Headers requestHeaders(
      Headers lmHeaders, HeliconeHeaders lmHelicone, ContextView context, Headers callHeaders) {
    Objects.requireNonNull(lmHeaders, "lmHeaders must not be null");
    Objects.requireNonNull(lmHelicone, "lmHelicone must not be null");
    Objects.requireNonNull(callHeaders, "callHeaders must not be null");
    HeliconeHeaders typed = lmHelicone.overriddenBy(current(context));

    var merged = lmHeaders.toBuilder();
    String rawDefaultPath = lmHeaders.get(HeliconeHeaderNames.SESSION_PATH);
    // Each layer's headers are valid already (checked when its Headers was built): they are moved
    // over the layer below, last, without checking them again on every call.
    Headers typedHeaders = typed.toHeaders();
    layerOver(merged, typedHeaders);
    String relativePath = typedHeaders.get(HeliconeHeaderNames.SESSION_PATH);
    if (relativePath != null && typed.sessionPathIsRelative() && rawDefaultPath != null) {
      merged.set(
          HeliconeHeaderNames.SESSION_PATH,
          SessionPaths.join(SessionPaths.normalise(rawDefaultPath), relativePath));
    }
    layerOver(merged, callHeaders);
    boolean pathOnlyFromChildPaths =
        typed.sessionPathIsRelative()
            && rawDefaultPath == null
            && !callHeaders.contains(HeliconeHeaderNames.SESSION_PATH);
    if (pathOnlyFromChildPaths && merged.get(HeliconeHeaderNames.SESSION_ID) == null) {
      // withSessionPath / childPath outside any session: a path without a session means nothing to
      // Helicone, so it is not sent (the module path still tags stream events).
      merged.remove(HeliconeHeaderNames.SESSION_PATH);
    }

    Headers headers = merged.build();
    for (String name : headers.names()) {
      HeliconeHeaderNames.checkSpelling(name);
      if (name.equalsIgnoreCase(HeliconeHeaderNames.SESSION_PATH)) {
        merged.set(name, SessionPaths.normalise(headers.get(name)));
      } else if (name.equalsIgnoreCase(HeliconeHeaderNames.REQUEST_ID)) {
        RequestIds.requireValid(headers.get(name));
      }
    }
    headers = merged.build();
    String policy = headers.get(HeliconeHeaderNames.RATE_LIMIT_POLICY);
    if (policy != null) {
      RateLimitPolicy.parse(policy).requireSegmentHeaders(headers.asMap());
    }
    return headers;
  }

  /**
   * {@code layer}'s headers over {@code below}: each replaces one of the same name and goes last.
   */
  private static void layerOver(Headers.Builder below, Headers layer) {
    layer.names().forEach(below::remove);
    below.setAll(layer);
  }
}
