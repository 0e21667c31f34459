/**
 * A Redis tier for dspy4j's LM cache: {@link dev.dspy4j.redis.RedisLmCache}, on Lettuce.
 *
 * <p>Only {@code dev.dspy4j.redis} is exported; {@code dev.dspy4j.redis.internal} is implementation
 * (listed in {@code docs/api/dev.dspy4j.redis.txt}, checked by {@code ModuleApiTest}).
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module dev.dspy4j.redis {
  requires transitive dev.dspy4j.core;
  requires transitive lettuce.core;
  requires io.netty.common;
  requires io.netty.transport;
  requires com.github.benmanes.caffeine;
  requires org.slf4j;
  requires static transitive org.jspecify;

  exports dev.dspy4j.redis;

  // A cache entry (RedisEntry, a record) is written and read by Jackson.
  opens dev.dspy4j.redis.internal to
      com.fasterxml.jackson.databind;
}
