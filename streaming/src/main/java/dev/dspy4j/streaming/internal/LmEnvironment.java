package dev.dspy4j.streaming.internal;

import dev.dspy4j.core.lm.LmConfigurationException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * What an {@code LM} takes from the environment when its builder was not told, as litellm reads
 * provider keys: {@value #API_KEY}, {@value #BASE_URL} and {@value #MODEL}; and the checks of an
 * {@code apiBase}. An explicit builder value always wins. The key from the environment is sent only
 * to the base URL that also came from the environment (or the default gateway), or to a Helicone
 * host, never to a third-party {@code apiBase} set in code.
 */
public final class LmEnvironment {

  /** The API key variable. */
  public static final String API_KEY = "HELICONE_API_KEY";

  /** The base URL variable. */
  public static final String BASE_URL = "HELICONE_BASE_URL";

  /** The model variable (for {@code LM.builder()} without a model). */
  public static final String MODEL = "DSPY4J_MODEL";

  private LmEnvironment() {}

  /** The non-blank value of {@code name}, stripped, or null. */
  public static @Nullable String get(UnaryOperator<String> environment, String name) {
    String value = environment.apply(name);
    return value == null || value.isBlank() ? null : value.strip();
  }

  /** The process environment as a lookup. */
  public static UnaryOperator<String> system() {
    Map<String, String> env = System.getenv();
    return env::get;
  }

  /**
   * {@code value} as an apiBase (trailing slashes removed), or a {@link LmConfigurationException}
   * naming {@code source} ({@code apiBase} or the variable) when it is not an http(s) URL with a
   * host and a port in 1..65535, or carries credentials, a query or a fragment.
   */
  public static String checkApiBase(String value, String source) {
    String base = value.strip();
    while (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    String example = " (e.g. https://ai-gateway.helicone.ai/v1 or http://127.0.0.1:8080/v1)";
    URI uri;
    try {
      uri = new URI(base);
    } catch (URISyntaxException e) {
      throw new LmConfigurationException(
          source + " is not a valid URL: " + e.getMessage() + example);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https"))) {
      throw new LmConfigurationException(
          source + " must be an http:// or https:// URL" + example + ", was " + safe(uri, base));
    }
    if (uri.getRawUserInfo() != null) {
      // Never repeat it: user info is a credential.
      throw new LmConfigurationException(
          source + " must not contain user:password@ (send a key with apiKey(...))");
    }
    if (uri.getHost() == null) {
      throw new LmConfigurationException(source + " has no valid host" + example + ", was " + base);
    }
    if (uri.getPort() == 0 || uri.getPort() > 65_535) {
      throw new LmConfigurationException(
          source + " has port " + uri.getPort() + "; a port is 1..65535, was " + base);
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new LmConfigurationException(
          source + " must not have a query or fragment" + example + ", was " + base);
    }
    return base;
  }

  /** Whether {@code apiBase} is a host of Helicone's cloud, which needs an API key. */
  public static boolean isHelicone(String apiBase) {
    String host = URI.create(apiBase).getHost().toLowerCase(Locale.ROOT);
    return host.equals("helicone.ai") || host.endsWith(".helicone.ai");
  }

  private static String safe(URI uri, String base) {
    return uri.getRawUserInfo() == null ? base : "(a URL with user info)";
  }
}
