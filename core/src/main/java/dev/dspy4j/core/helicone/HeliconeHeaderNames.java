package dev.dspy4j.core.helicone;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The names of the Helicone gateway's headers, and a spelling check for raw header names.
 *
 * <p>The gateway silently ignores a header it does not know: {@code Helicone-Rate-Limit-Policy}
 * (the real name is {@code Helicone-RateLimit-Policy}) lets every request through unlimited and
 * returns no error. {@link #checkSpelling(String)} catches such near-misses.
 */
public final class HeliconeHeaderNames {

  public static final String SESSION_ID = "Helicone-Session-Id";
  public static final String SESSION_NAME = "Helicone-Session-Name";
  public static final String SESSION_PATH = "Helicone-Session-Path";
  public static final String USER_ID = "Helicone-User-Id";

  /** Prefix of custom property headers: {@code Helicone-Property-<Name>}. */
  public static final String PROPERTY_PREFIX = "Helicone-Property-";

  public static final String REQUEST_ID = "Helicone-Request-Id";
  public static final String CACHE_ENABLED = "Helicone-Cache-Enabled";
  public static final String CACHE_SAVE = "Helicone-Cache-Save";
  public static final String CACHE_READ = "Helicone-Cache-Read";

  /**
   * Not Helicone-prefixed: the gateway reads {@code Cache-Control: max-age=N} as the cache
   * lifetime.
   */
  public static final String CACHE_CONTROL = "Cache-Control";

  public static final String CACHE_BUCKET_MAX_SIZE = "Helicone-Cache-Bucket-Max-Size";
  public static final String CACHE_SEED = "Helicone-Cache-Seed";
  public static final String CACHE_IGNORE_KEYS = "Helicone-Cache-Ignore-Keys";
  public static final String RETRY_ENABLED = "Helicone-Retry-Enabled";
  public static final String RETRY_NUM = "Helicone-Retry-Num";
  public static final String RETRY_FACTOR = "Helicone-Retry-Factor";
  public static final String RETRY_MIN_TIMEOUT = "Helicone-Retry-Min-Timeout";
  public static final String RETRY_MAX_TIMEOUT = "Helicone-Retry-Max-Timeout";
  public static final String RATE_LIMIT_POLICY = "Helicone-RateLimit-Policy";
  public static final String OMIT_REQUEST = "Helicone-Omit-Request";
  public static final String OMIT_RESPONSE = "Helicone-Omit-Response";
  public static final String MODERATIONS_ENABLED = "Helicone-Moderations-Enabled";
  public static final String LLM_SECURITY_ENABLED = "Helicone-LLM-Security-Enabled";
  public static final String POSTHOG_KEY = "Helicone-Posthog-Key";
  public static final String POSTHOG_HOST = "Helicone-Posthog-Host";

  // Response headers.
  public static final String ID = "Helicone-Id";
  public static final String STATUS = "Helicone-Status";
  public static final String CACHE = "Helicone-Cache";
  public static final String CACHE_BUCKET_INDEX = "Helicone-Cache-Bucket-Idx";
  public static final String RATE_LIMIT_LIMIT = "Helicone-RateLimit-Limit";
  public static final String RATE_LIMIT_REMAINING = "Helicone-RateLimit-Remaining";
  public static final String RATE_LIMIT_RESET = "Helicone-RateLimit-Reset";
  public static final String ERROR = "X-Helicone-Error";

  /**
   * Every Helicone request header name dspy4j knows: the typed ones above plus those the gateway
   * reads that dspy4j does not type (so that they are not mistaken for misspellings).
   */
  public static final List<String> KNOWN_REQUEST_HEADERS =
      List.of(
          SESSION_ID,
          SESSION_NAME,
          SESSION_PATH,
          USER_ID,
          REQUEST_ID,
          CACHE_ENABLED,
          CACHE_SAVE,
          CACHE_READ,
          CACHE_BUCKET_MAX_SIZE,
          CACHE_SEED,
          CACHE_IGNORE_KEYS,
          RETRY_ENABLED,
          RETRY_NUM,
          RETRY_FACTOR,
          RETRY_MIN_TIMEOUT,
          RETRY_MAX_TIMEOUT,
          RATE_LIMIT_POLICY,
          OMIT_REQUEST,
          OMIT_RESPONSE,
          MODERATIONS_ENABLED,
          LLM_SECURITY_ENABLED,
          POSTHOG_KEY,
          POSTHOG_HOST,
          "Helicone-Auth",
          "Helicone-Target-Url",
          "Helicone-OpenAI-Api-Base",
          "Helicone-Prompt-Id",
          "Helicone-Prompt-Mode",
          "Helicone-Prompt-Version",
          "Helicone-Prompt-Name",
          "Helicone-Prompt-Format",
          "Helicone-Node-Id",
          "Helicone-Fallbacks",
          "Helicone-Model-Override",
          "Helicone-Prompt-Security-Enabled",
          "Helicone-LLM-Security-Advanced",
          "Helicone-Webhook-Enabled",
          "Helicone-Experiment-Id",
          "Helicone-Experiment-Column-Id",
          "Helicone-Experiment-Row-Index",
          "Helicone-Manual-Access-Key",
          "Helicone-Stream-Force-Format",
          "Helicone-Increase-Timeout",
          "Helicone-Stream-Usage",
          "Helicone-Jwt",
          "Helicone-Org-Id",
          "Helicone-Cache-Control",
          "Helicone-Lytix-Key",
          "Helicone-Lytix-Host");

  private static final Logger log = LoggerFactory.getLogger(HeliconeHeaderNames.class);
  private static final Pattern PROPERTY_LOOKALIKE =
      Pattern.compile("(?i)^helicone[-_ .]?(?:propert(?:ies|y)|props?)[-_ .:]?(.+)$");

  /** Warn once per misspelt name; bounded so that hostile input cannot grow it without limit. */
  private static final int MAX_REMEMBERED_WARNINGS = 1024;

  private static final Set<String> warned = ConcurrentHashMap.newKeySet();

  private HeliconeHeaderNames() {}

  /**
   * If {@code name} looks like a misspelling of a Helicone header (a near-miss of a known name,
   * ignoring case, such as {@code Helicone-Rate-Limit-Policy} or {@code Helicone-Sesion-Id}), logs
   * a warning naming the right header (once per name) and returns the right name; otherwise returns
   * empty. Correct names in any letter case, and non-Helicone headers, return empty.
   */
  public static Optional<String> checkSpelling(String name) {
    Optional<String> suggestion = suggestion(name);
    suggestion.ifPresent(
        right -> {
          String key = name.toLowerCase(Locale.ROOT);
          if (warned.size() < MAX_REMEMBERED_WARNINGS && warned.add(key)) {
            log.warn(
                "Header '{}' looks like a misspelling of '{}': the Helicone gateway silently ignores "
                    + "headers it does not know. Send '{}' instead (or use the typed HeliconeHeaders builder).",
                name,
                right,
                right);
          }
        });
    return suggestion;
  }

  /** Forgets which names were warned about, so a test can observe the warning again. */
  static void forgetWarnings() {
    warned.clear();
  }

  /** The right name for a misspelt Helicone header, without logging; empty when not misspelt. */
  public static Optional<String> suggestion(String name) {
    Objects.requireNonNull(name, "header name must not be null");
    String lower = name.toLowerCase(Locale.ROOT);
    if (lower.startsWith(PROPERTY_PREFIX.toLowerCase(Locale.ROOT))) {
      return Optional.empty();
    }
    for (String known : KNOWN_REQUEST_HEADERS) {
      if (known.equalsIgnoreCase(name)) {
        return Optional.empty();
      }
    }
    String squashed = squash(name);
    if (!squashed.startsWith("hel") && !squashed.startsWith("hc")) {
      return Optional.empty();
    }
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String known : KNOWN_REQUEST_HEADERS) {
      int d = distance(squashed, squash(known));
      if (d < bestDistance) {
        bestDistance = d;
        best = known;
      }
    }
    if (best != null && bestDistance <= 2) {
      return Optional.of(best);
    }
    var property = PROPERTY_LOOKALIKE.matcher(name);
    if (property.matches()) {
      return Optional.of(PROPERTY_PREFIX + property.group(1));
    }
    return Optional.empty();
  }

  /** Lower case without separators: {@code Helicone-Rate-Limit-Policy} and the real name agree. */
  private static String squash(String name) {
    var out = new StringBuilder(name.length());
    for (int i = 0; i < name.length(); i++) {
      char c = Character.toLowerCase(name.charAt(i));
      if (c != '-' && c != '_' && c != ' ' && c != '.') out.append(c);
    }
    return out.toString();
  }

  /** Optimal-string-alignment edit distance (a transposition counts as one edit). */
  private static int distance(String a, String b) {
    if (Math.abs(a.length() - b.length()) > 2) return Integer.MAX_VALUE;
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) d[i][0] = i;
    for (int j = 0; j <= b.length(); j++) d[0][j] = j;
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
