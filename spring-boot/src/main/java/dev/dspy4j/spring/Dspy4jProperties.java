package dev.dspy4j.spring;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * The {@code dspy4j.*} configuration properties. Every value is checked when the application
 * starts: a bad value fails start-up with a message naming the property (never the first request).
 * The API key never appears in a message.
 */
@ConfigurationProperties(prefix = "dspy4j")
public class Dspy4jProperties {

  private final Lm lm = new Lm();
  private final Cache cache = new Cache();
  private final RateLimit rateLimit = new RateLimit();
  private final Web web = new Web();
  private final Observations observations = new Observations();

  /** The language model ({@code dspy4j.lm.*}). */
  public Lm getLm() {
    return lm;
  }

  /** The process-wide LM cache ({@code dspy4j.cache.*}). */
  public Cache getCache() {
    return cache;
  }

  /** The client-side rate limiter ({@code dspy4j.rate-limit.*}). */
  public RateLimit getRateLimit() {
    return rateLimit;
  }

  /** The WebFlux integration ({@code dspy4j.web.*}). */
  public Web getWeb() {
    return web;
  }

  /** Micrometer observations of LM calls ({@code dspy4j.observations.*}). */
  public Observations getObservations() {
    return observations;
  }

  /** {@code dspy4j.lm.*}: what {@code LM.builder(model)...} is given. */
  public static class Lm {
    /** Whether to create the LanguageModel bean from these properties. */
    private boolean enabled = true;

    /**
     * The model name sent in every request, e.g. gpt-4o-mini. Required unless the application
     * defines its own LanguageModel bean.
     */
    private @Nullable String model;

    /** The API key, sent as "Authorization: Bearer <key>". Never logged or shown in a message. */
    private @Nullable String apiKey;

    /**
     * The OpenAI-compatible base URL; requests go to {api-base}/chat/completions. Default: the
     * Helicone AI Gateway.
     */
    private @Nullable String apiBase;

    /** The sampling temperature, 0 to 2. */
    private @Nullable Double temperature;

    /** The most tokens a completion may have. */
    private @Nullable Integer maxTokens;

    /**
     * How often a transient failure (408/409/429/5xx, connection failure) is retried. Default 3.
     */
    private @Nullable Integer numRetries;

    /** The longest wait to connect. Default 10s. */
    private @Nullable Duration connectTimeout;

    /** The longest wait for the first byte of a response. Default 10m. */
    private @Nullable Duration firstByteTimeout;

    /** The longest silence within a streamed response. Default 2m. */
    private @Nullable Duration idleTimeout;

    /** The longest Retry-After a call waits for before failing at once. Default 60s. */
    private @Nullable Duration maxRetryAfter;

    /** Whether calls use the process-wide cache (like DSPy's cache=True). Default true. */
    private @Nullable Boolean cache;

    /**
     * Extra headers sent with every request, e.g.
     * dspy4j.lm.headers.Helicone-Property-Environment=production.
     */
    private Map<String, String> headers = new LinkedHashMap<>();

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public @Nullable String getModel() {
      return model;
    }

    public void setModel(@Nullable String model) {
      this.model = model;
    }

    public @Nullable String getApiKey() {
      return apiKey;
    }

    public void setApiKey(@Nullable String apiKey) {
      this.apiKey = apiKey;
    }

    public @Nullable String getApiBase() {
      return apiBase;
    }

    public void setApiBase(@Nullable String apiBase) {
      this.apiBase = apiBase;
    }

    public @Nullable Double getTemperature() {
      return temperature;
    }

    public void setTemperature(@Nullable Double temperature) {
      this.temperature = temperature;
    }

    public @Nullable Integer getMaxTokens() {
      return maxTokens;
    }

    public void setMaxTokens(@Nullable Integer maxTokens) {
      this.maxTokens = maxTokens;
    }

    public @Nullable Integer getNumRetries() {
      return numRetries;
    }

    public void setNumRetries(@Nullable Integer numRetries) {
      this.numRetries = numRetries;
    }

    public @Nullable Duration getConnectTimeout() {
      return connectTimeout;
    }

    public void setConnectTimeout(@Nullable Duration connectTimeout) {
      this.connectTimeout = connectTimeout;
    }

    public @Nullable Duration getFirstByteTimeout() {
      return firstByteTimeout;
    }

    public void setFirstByteTimeout(@Nullable Duration firstByteTimeout) {
      this.firstByteTimeout = firstByteTimeout;
    }

    public @Nullable Duration getIdleTimeout() {
      return idleTimeout;
    }

    public void setIdleTimeout(@Nullable Duration idleTimeout) {
      this.idleTimeout = idleTimeout;
    }

    public @Nullable Duration getMaxRetryAfter() {
      return maxRetryAfter;
    }

    public void setMaxRetryAfter(@Nullable Duration maxRetryAfter) {
      this.maxRetryAfter = maxRetryAfter;
    }

    public @Nullable Boolean getCache() {
      return cache;
    }

    public void setCache(@Nullable Boolean cache) {
      this.cache = cache;
    }

    public Map<String, String> getHeaders() {
      return headers;
    }

    public void setHeaders(Map<String, String> headers) {
      this.headers = headers;
    }

    @Override
    public String toString() {
      return "Lm[model="
          + model
          + ", apiBase="
          + apiBase
          + ", apiKey="
          + (apiKey == null ? "unset" : "set")
          + "]";
    }
  }

  /** {@code dspy4j.cache.*}: the process-wide cache installed with {@code Dspy.configureCache}. */
  public static class Cache {
    /** The most entries the memory layer keeps. Default 100000. */
    private @Nullable Long memoryMaxEntries;

    /** The most bytes the memory layer keeps. Default 256MB. */
    private @Nullable DataSize memoryMaxSize;

    /**
     * A directory for the disk layer (none by default, or the DSPY4J_CACHEDIR environment
     * variable).
     */
    private @Nullable Path diskDir;

    /** The most bytes the disk layer keeps. Default 1GB. */
    private @Nullable DataSize diskMaxSize;

    public @Nullable Long getMemoryMaxEntries() {
      return memoryMaxEntries;
    }

    public void setMemoryMaxEntries(@Nullable Long memoryMaxEntries) {
      this.memoryMaxEntries = memoryMaxEntries;
    }

    public @Nullable DataSize getMemoryMaxSize() {
      return memoryMaxSize;
    }

    public void setMemoryMaxSize(@Nullable DataSize memoryMaxSize) {
      this.memoryMaxSize = memoryMaxSize;
    }

    public @Nullable Path getDiskDir() {
      return diskDir;
    }

    public void setDiskDir(@Nullable Path diskDir) {
      this.diskDir = diskDir;
    }

    public @Nullable DataSize getDiskMaxSize() {
      return diskMaxSize;
    }

    public void setDiskMaxSize(@Nullable DataSize diskMaxSize) {
      this.diskMaxSize = diskMaxSize;
    }

    /** True when any cache property is set. */
    boolean isConfigured() {
      return memoryMaxEntries != null
          || memoryMaxSize != null
          || diskDir != null
          || diskMaxSize != null;
    }
  }

  /** {@code dspy4j.rate-limit.*}: a client-side, adaptive RateLimiter every LM call waits for. */
  public static class RateLimit {
    /** Whether the auto-configured LM has a rate limiter. */
    private boolean enabled = false;

    /** The most requests in flight at once. Default 16. */
    private @Nullable Integer maxConcurrent;

    /** The most request starts per second (no limit by default). */
    private @Nullable Double requestsPerSecond;

    /** The most tokens per minute (no limit by default). */
    private @Nullable Long tokensPerMinute;

    /** Whether 429s and rate-limit response headers slow every caller down (AIMD). Default true. */
    private @Nullable Boolean adaptive;

    /** The longest pause a server's Retry-After or reset header may impose on every caller. */
    private @Nullable Duration maxPause;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public @Nullable Integer getMaxConcurrent() {
      return maxConcurrent;
    }

    public void setMaxConcurrent(@Nullable Integer maxConcurrent) {
      this.maxConcurrent = maxConcurrent;
    }

    public @Nullable Double getRequestsPerSecond() {
      return requestsPerSecond;
    }

    public void setRequestsPerSecond(@Nullable Double requestsPerSecond) {
      this.requestsPerSecond = requestsPerSecond;
    }

    public @Nullable Long getTokensPerMinute() {
      return tokensPerMinute;
    }

    public void setTokensPerMinute(@Nullable Long tokensPerMinute) {
      this.tokensPerMinute = tokensPerMinute;
    }

    public @Nullable Boolean getAdaptive() {
      return adaptive;
    }

    public void setAdaptive(@Nullable Boolean adaptive) {
      this.adaptive = adaptive;
    }

    public @Nullable Duration getMaxPause() {
      return maxPause;
    }

    public void setMaxPause(@Nullable Duration maxPause) {
      this.maxPause = maxPause;
    }
  }

  /** {@code dspy4j.web.*}: the WebFlux integration. */
  public static class Web {
    private final ContextFilter contextFilter = new ContextFilter();

    /**
     * The filter that copies Helicone tracing headers into the Reactor Context ({@code
     * dspy4j.web.context-filter.*}).
     */
    public ContextFilter getContextFilter() {
      return contextFilter;
    }
  }

  /**
   * {@code dspy4j.web.context-filter.*}: which incoming headers become the Helicone session, user
   * and properties of every LM call made while handling the request. Only these are copied: never
   * cache, rate-limit, auth or other Helicone headers.
   */
  public static class ContextFilter {
    /** Whether the filter is installed. */
    private boolean enabled = true;

    /** The incoming header holding the session id. */
    private String sessionIdHeader = "Helicone-Session-Id";

    /** The incoming header holding the session name. */
    private String sessionNameHeader = "Helicone-Session-Name";

    /** The incoming header holding the session path. */
    private String sessionPathHeader = "Helicone-Session-Path";

    /**
     * The incoming header holding the user id (the authenticated principal's name wins over it).
     */
    private String userIdHeader = "Helicone-User-Id";

    /**
     * The prefix of incoming headers copied as Helicone properties (the rest of the name is the
     * property).
     */
    private String propertyHeaderPrefix = "Helicone-Property-";

    /** The most property headers one request may carry; more is answered with 400. */
    private int maxProperties = 32;

    /** Whether the authenticated principal's name becomes the Helicone user id. */
    private boolean principalAsUser = true;

    /** The filter's order; it must run after Spring Security's filter chain (order -100). */
    private int order = -50;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public String getSessionIdHeader() {
      return sessionIdHeader;
    }

    public void setSessionIdHeader(String sessionIdHeader) {
      this.sessionIdHeader = sessionIdHeader;
    }

    public String getSessionNameHeader() {
      return sessionNameHeader;
    }

    public void setSessionNameHeader(String sessionNameHeader) {
      this.sessionNameHeader = sessionNameHeader;
    }

    public String getSessionPathHeader() {
      return sessionPathHeader;
    }

    public void setSessionPathHeader(String sessionPathHeader) {
      this.sessionPathHeader = sessionPathHeader;
    }

    public String getUserIdHeader() {
      return userIdHeader;
    }

    public void setUserIdHeader(String userIdHeader) {
      this.userIdHeader = userIdHeader;
    }

    public String getPropertyHeaderPrefix() {
      return propertyHeaderPrefix;
    }

    public void setPropertyHeaderPrefix(String propertyHeaderPrefix) {
      this.propertyHeaderPrefix = propertyHeaderPrefix;
    }

    public int getMaxProperties() {
      return maxProperties;
    }

    public void setMaxProperties(int maxProperties) {
      this.maxProperties = maxProperties;
    }

    public boolean isPrincipalAsUser() {
      return principalAsUser;
    }

    public void setPrincipalAsUser(boolean principalAsUser) {
      this.principalAsUser = principalAsUser;
    }

    public int getOrder() {
      return order;
    }

    public void setOrder(int order) {
      this.order = order;
    }
  }

  /** {@code dspy4j.observations.*}. */
  public static class Observations {
    /**
     * Whether the auto-configured LM makes a Micrometer Observation per call (when an
     * ObservationRegistry exists).
     */
    private boolean enabled = true;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }
  }
}
