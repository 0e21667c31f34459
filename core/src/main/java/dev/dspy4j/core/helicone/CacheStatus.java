package dev.dspy4j.core.helicone;

/** The gateway cache's verdict on a response ({@code Helicone-Cache}). */
public enum CacheStatus {
  /** Answered from the gateway cache. */
  HIT,
  /** Not in the gateway cache; answered by the provider. */
  MISS
}
