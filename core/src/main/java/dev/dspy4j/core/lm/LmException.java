package dev.dspy4j.core.lm;

import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Base of every error an LM call reports. Unchecked. Carries the HTTP status ({@code 0} when no
 * HTTP status was received), whether the call may succeed if retried, the gateway's request id, the
 * server's {@code Retry-After} and its error message when it sent one. Never carries credentials.
 *
 * <p>Subclasses name the kind: {@link AuthenticationException}, {@link BillingException}, {@link
 * RateLimitException}, {@link InvalidRequestException}, {@link ServerException}, {@link
 * LmTimeoutException}, {@link ConnectionException}, {@link StreamInterruptedException}, {@link
 * LmConfigurationException}, {@link MalformedToolCallException}.
 */
public class LmException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final int statusCode;
  private final boolean retryable;
  private final @Nullable String requestId;
  private final @Nullable Duration retryAfter;
  private final @Nullable String serverMessage;
  private volatile int attempts = 1;
  private volatile @Nullable String attemptsNote;

  /**
   * @param message what went wrong and, where possible, what to do
   * @param statusCode the HTTP status, or 0
   * @param retryable whether retrying may succeed
   * @param requestId the gateway request id, if known
   * @param retryAfter the server's requested wait, if any
   * @param serverMessage the error message parsed from the response body, if any
   * @param cause the underlying failure, if any
   */
  public LmException(
      String message,
      int statusCode,
      boolean retryable,
      @Nullable String requestId,
      @Nullable Duration retryAfter,
      @Nullable String serverMessage,
      @Nullable Throwable cause) {
    super(message, cause);
    this.statusCode = statusCode;
    this.retryable = retryable;
    this.requestId = requestId;
    this.retryAfter = retryAfter;
    this.serverMessage = serverMessage;
  }

  /** An error with only a message (no HTTP exchange involved). */
  public LmException(String message) {
    this(message, 0, false, null, null, null, null);
  }

  /** The HTTP status code; {@code 0} when there was no HTTP status. */
  public int statusCode() {
    return statusCode;
  }

  /** Whether the same call may succeed if made again. */
  public boolean isRetryable() {
    return retryable;
  }

  /**
   * The gateway request id ({@code Helicone-Id}, {@code Helicone-Request-Id} or {@code
   * x-request-id}).
   */
  public Optional<String> requestId() {
    return Optional.ofNullable(requestId);
  }

  /**
   * The wait the server asked for ({@code Retry-After} / {@code retry-after-ms}), when it asked.
   */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }

  /** The error message the server put in its response body, when there was one. */
  public Optional<String> serverMessage() {
    return Optional.ofNullable(serverMessage);
  }

  /**
   * How many attempts the call made, this failure's included: 1 when it was not retried. Set by the
   * retry that gave up ({@link #recordAttempts}).
   */
  public int attempts() {
    return attempts;
  }

  /**
   * Records that the call ended with this error after {@code attempts} attempts, and why it was not
   * retried again ({@code note}, e.g. "gave up after numRetries=3 retries"); both are added to
   * {@link #getMessage()}. For retry policies, which call it once, when they give up.
   */
  public void recordAttempts(int attempts, String note) {
    if (attempts < 1) {
      throw new IllegalArgumentException("attempts must be positive, was " + attempts);
    }
    this.attempts = attempts;
    this.attemptsNote = java.util.Objects.requireNonNull(note, "note");
  }

  /** The message, followed by the attempt count once a retry policy recorded it. */
  @Override
  public String getMessage() {
    String note = attemptsNote;
    String message = super.getMessage();
    return note == null
        ? message
        : message + " [" + attempts + (attempts == 1 ? " attempt: " : " attempts: ") + note + "]";
  }
}
