package dev.dspy4j.spring.webflux;

import dev.dspy4j.core.helicone.Helicone;
import dev.dspy4j.core.helicone.HeliconeHeaders;
import dev.dspy4j.core.http.HeaderValues;
import dev.dspy4j.spring.Dspy4jProperties;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Copies an incoming request's Helicone session, user and property headers into the Reactor Context
 * ({@link Helicone#with}), so that every LM call made while handling the request sends them: {@code
 * Helicone-Session-Id}, {@code -Session-Name}, {@code -Session-Path}, {@code Helicone-User-Id} and
 * {@code Helicone-Property-*} (names configurable). Only those: cache, rate-limit, retry, auth and
 * every other header a client could abuse to spend or bypass the server's quota never pass.
 *
 * <p>The authenticated principal's name, when there is one, becomes the user and wins over the
 * header; a name that cannot be sent as a header (non-ASCII, control characters) is percent-encoded
 * with {@link HeaderValues#percentEncode}. An incoming header the gateway could not accept (a blank
 * or non-ASCII value, an illegal property name, too many properties) is answered with 400 naming
 * the header, before the handler runs. Runs after Spring Security's filter chain (order -100).
 */
public final class HeliconeContextWebFilter implements WebFilter, Ordered {

  private final Dspy4jProperties.ContextFilter settings;
  private final String propertyPrefix;

  /** A filter reading the headers named in {@code settings}. */
  public HeliconeContextWebFilter(Dspy4jProperties.ContextFilter settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.propertyPrefix = settings.getPropertyHeaderPrefix().toLowerCase(Locale.ROOT);
    for (String name :
        List.of(
            settings.getSessionIdHeader(),
            settings.getSessionNameHeader(),
            settings.getSessionPathHeader(),
            settings.getUserIdHeader())) {
      HeaderValues.validateName(name);
    }
    if (settings.getPropertyHeaderPrefix().isEmpty()) {
      throw new IllegalArgumentException(
          "dspy4j.web.context-filter.property-header-prefix must not be empty");
    }
  }

  @Override
  public int getOrder() {
    return settings.getOrder();
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    HeliconeHeaders.Builder headers = HeliconeHeaders.builder();
    try {
      copyHeaders(exchange.getRequest().getHeaders(), headers);
    } catch (BadHeader e) {
      return badRequest(exchange.getResponse(), e.getMessage());
    }
    Mono<Optional<String>> user =
        settings.isPrincipalAsUser()
            ? exchange
                .getPrincipal()
                .map(HeliconeContextWebFilter::userName)
                .defaultIfEmpty(Optional.empty())
            : Mono.just(Optional.empty());
    return user.flatMap(
        name -> {
          name.ifPresent(headers::userId);
          HeliconeHeaders built = headers.build();
          return built.isEmpty()
              ? chain.filter(exchange)
              : chain.filter(exchange).contextWrite(Helicone.with(built));
        });
  }

  private void copyHeaders(HttpHeaders incoming, HeliconeHeaders.Builder out) {
    String id = single(incoming, settings.getSessionIdHeader());
    if (id != null) set(settings.getSessionIdHeader(), () -> out.sessionId(id));
    String name = single(incoming, settings.getSessionNameHeader());
    if (name != null) set(settings.getSessionNameHeader(), () -> out.sessionName(name));
    String path = single(incoming, settings.getSessionPathHeader());
    if (path != null) set(settings.getSessionPathHeader(), () -> out.sessionPath(path));
    String user = single(incoming, settings.getUserIdHeader());
    if (user != null) set(settings.getUserIdHeader(), () -> out.userId(user));
    int properties = 0;
    for (Map.Entry<String, List<String>> e : incoming.headerSet()) {
      String header = e.getKey();
      if (!header.toLowerCase(Locale.ROOT).startsWith(propertyPrefix)) continue;
      if (++properties > settings.getMaxProperties()) {
        throw new BadHeader(
            "too many "
                + settings.getPropertyHeaderPrefix()
                + "* headers (at most "
                + settings.getMaxProperties()
                + ")");
      }
      String property = header.substring(propertyPrefix.length());
      String value = single(incoming, header);
      if (value != null) set(header, () -> out.property(property, value));
    }
  }

  private static @Nullable String single(HttpHeaders headers, String name) {
    List<String> values = headers.get(name);
    if (values == null || values.isEmpty()) return null;
    if (values.size() > 1) {
      throw new BadHeader("header " + name + " was sent " + values.size() + " times; send it once");
    }
    return values.get(0);
  }

  private static void set(String header, Runnable setter) {
    try {
      setter.run();
    } catch (IllegalArgumentException e) {
      // The core's messages name the header and never echo more than a short preview of the value.
      throw new BadHeader(
          "header " + header + " cannot be forwarded to the LM gateway: " + e.getMessage());
    }
  }

  private static Optional<String> userName(Principal principal) {
    // Spring Security's anonymous token is not a user (matched by name: no compile dependency on
    // Security).
    if (principal.getClass().getSimpleName().equals("AnonymousAuthenticationToken"))
      return Optional.empty();
    String name = principal.getName();
    if (name == null || name.isBlank()) return Optional.empty();
    try {
      HeaderValues.validate("Helicone-User-Id", name);
      return Optional.of(name);
    } catch (IllegalArgumentException e) {
      return Optional.of(HeaderValues.percentEncode(name));
    }
  }

  private static Mono<Void> badRequest(ServerHttpResponse response, String message) {
    response.setStatusCode(HttpStatus.BAD_REQUEST);
    response.getHeaders().setContentType(MediaType.TEXT_PLAIN);
    DataBuffer body =
        response.bufferFactory().wrap((message + "\n").getBytes(StandardCharsets.UTF_8));
    return response.writeWith(Mono.just(body));
  }

  /** An incoming header that cannot be forwarded; its message names the header. */
  private static final class BadHeader extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    BadHeader(String message) {
      super(message);
    }
  }

  @Override
  public String toString() {
    return "HeliconeContextWebFilter[order=" + getOrder() + "]";
  }
}
