package dev.dspy4j.core.lm;

import java.util.Objects;

/**
 * One chat message: a role ({@code system}, {@code user}, {@code assistant}) and its text content.
 *
 * @param role the OpenAI role name
 * @param content the message text, never null
 */
public record Message(String role, String content) {

  public Message {
    Objects.requireNonNull(role, "role must not be null");
    Objects.requireNonNull(content, "content must not be null");
    if (role.isBlank()) {
      throw new IllegalArgumentException("role must not be blank");
    }
  }

  /** A {@code system} message. */
  public static Message system(String content) {
    return new Message("system", content);
  }

  /** A {@code user} message. */
  public static Message user(String content) {
    return new Message("user", content);
  }

  /** An {@code assistant} message. */
  public static Message assistant(String content) {
    return new Message("assistant", content);
  }
}
