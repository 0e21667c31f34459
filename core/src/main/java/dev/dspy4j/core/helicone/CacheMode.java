package dev.dspy4j.core.helicone;

/**
 * How the gateway's response cache treats a request. (This is the Helicone gateway's cache,
 * separate from dspy4j's own client cache, {@code LM.builder(...).cache(true)}.)
 */
public enum CacheMode {
  /** Explicitly off: {@code Helicone-Cache-Enabled: false} (overrides an outer setting). */
  OFF(HeliconeHeaderNames.CACHE_ENABLED, "false"),
  /** Read and write: {@code Helicone-Cache-Enabled: true}. */
  READ_WRITE(HeliconeHeaderNames.CACHE_ENABLED, "true"),
  /** Write only, never answer from the cache: {@code Helicone-Cache-Save: true}. */
  SAVE_ONLY(HeliconeHeaderNames.CACHE_SAVE, "true"),
  /** Answer from the cache, never write to it: {@code Helicone-Cache-Read: true}. */
  READ_ONLY(HeliconeHeaderNames.CACHE_READ, "true");

  private final String header;
  private final String value;

  CacheMode(String header, String value) {
    this.header = header;
    this.value = value;
  }

  /** The header this mode is sent as. */
  public String header() {
    return header;
  }

  /** The value of {@link #header()}. */
  public String value() {
    return value;
  }
}
