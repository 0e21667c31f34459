package dev.dspy4j.redis.internal;

/**
 * The Lua scripts the Redis tier runs, so that each step is one round trip and atomic.
 *
 * <p>Keys: {@code KEYS[1]} the entry, {@code KEYS[2]} its lock. Replies are arrays whose first
 * element says what happened.
 */
final class RedisScripts {

  private RedisScripts() {}

  /**
   * After a plain GET missed: looks the entry up again and, when it is still missing, tries to take
   * the lock for {@code ARGV[2]} ms with the caller's token {@code ARGV[1]}. Replies {@code {"hit",
   * value}}, {@code {"locked"}} (this caller now holds the lock, or held it already) or {@code
   * {"wait"}} (another holder is computing the answer). A hit never runs a script: a script costs
   * Redis many times a GET.
   */
  static final String LOOKUP_OR_LOCK =
      """
      local value = redis.call('GET', KEYS[1])
      if value then
        return {'hit', value}
      end
      if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then
        return {'locked'}
      end
      if redis.call('GET', KEYS[2]) == ARGV[1] then
        return {'locked'}
      end
      return {'wait'}
      """;

  /**
   * Stores {@code ARGV[1]} for {@code ARGV[2]} ms (skipped when {@code ARGV[1]} is empty: a value
   * over the size limit), then releases the lock if {@code ARGV[3]} (the caller's token) holds it.
   * Replies 1.
   */
  static final String STORE =
      """
      if ARGV[1] ~= '' then
        redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
      end
      if ARGV[3] ~= '' and redis.call('GET', KEYS[2]) == ARGV[3] then
        redis.call('DEL', KEYS[2])
      end
      return 1
      """;

  /**
   * Releases the lock {@code KEYS[1]} if the caller's token {@code ARGV[1]} holds it (a lock
   * another process took after this one's expired is left alone). Replies 1 if released, else 0.
   */
  static final String RELEASE =
      """
      if redis.call('GET', KEYS[1]) == ARGV[1] then
        return redis.call('DEL', KEYS[1])
      end
      return 0
      """;
}
