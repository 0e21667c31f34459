package dev.dspy4j.streaming.internal;

import dev.dspy4j.core.lm.AuthenticationException;
import dev.dspy4j.core.lm.BillingException;
import dev.dspy4j.core.lm.ConnectionException;
import dev.dspy4j.core.lm.InvalidRequestException;
import dev.dspy4j.core.lm.LmException;
import dev.dspy4j.core.lm.LmTimeoutException;
import dev.dspy4j.core.lm.RateLimitException;
import dev.dspy4j.core.lm.ResponseTooLargeException;
import dev.dspy4j.core.lm.ServerException;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.timeout.ReadTimeoutException;
import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLHandshakeException;
import org.jspecify.annotations.Nullable;
import reactor.netty.channel.AbortedException;
import reactor.netty.http.client.PrematureCloseException;

/**
 * Turns HTTP error statuses, error events and transport failures into typed {@link LmException}s
 * whose message says what happened and what to do. The API key is scrubbed from every message.
 */
public final class LmErrors {

  private final LmSettings settings;

  /** Error mapping for the LM configured by {@code settings} (its URL, limits and key to scrub). */
  public LmErrors(LmSettings settings) {
    this.settings = settings;
  }

  /** The exception for an HTTP error status with its parsed body. */
  public LmException fromStatus(
      int status,
      String reason,
      @Nullable String requestId,
      @Nullable Duration retryAfter,
      ErrorBody body) {
    String server = body.message() == null ? null : scrub(body.message());
    String code = body.code() == null ? "" : body.code().toLowerCase(Locale.ROOT);
    var what =
        new StringBuilder("POST ")
            .append(settings.completionsUrl())
            .append(" answered HTTP ")
            .append(status)
            .append(reason.isEmpty() ? "" : " " + reason);
    if (server != null) {
      what.append(": ").append(server);
    }
    if (requestId != null) {
      what.append(" [request id ").append(requestId).append(']');
    }
    boolean beyondCap = retryAfter != null && retryAfter.compareTo(settings.maxRetryAfter()) > 0;
    if (retryAfter != null) {
      what.append(". The server asks to wait ").append(seconds(retryAfter));
      if (beyondCap) {
        what.append(", longer than the retry-after cap of ")
            .append(seconds(settings.maxRetryAfter()))
            .append(", so the call failed at once (raise LM.builder().maxRetryAfter(...) to wait)");
      }
    }
    String m = what.append(". ").toString();
    if (status == 401 || status == 403) {
      return new AuthenticationException(
          m + "Check the API key (for Helicone, HELICONE_API_KEY) and its permissions.",
          status,
          requestId,
          retryAfter,
          server,
          null);
    }
    boolean noCredits =
        code.contains("insufficient")
            || (server != null
                && server
                    .toLowerCase(Locale.ROOT)
                    .matches(
                        "(?s).*(insufficient (credits|balance|funds)|insufficient_quota|exceeded your current quota).*"));
    if (status == 402 || (status == 429 && noCredits)) {
      return new BillingException(
          m + "Add credits or raise the account's spending limit.",
          status,
          requestId,
          retryAfter,
          server,
          null);
    }
    if (status == 429) {
      return new RateLimitException(
          m + "Slow down (lower concurrency) or raise the rate limit.",
          status,
          requestId,
          retryAfter,
          server,
          null);
    }
    if (status == 408) {
      return new LmTimeoutException(
          m + "The server timed out reading the request.",
          status,
          requestId,
          retryAfter,
          server,
          null);
    }
    if (status >= 500) {
      return new ServerException(
          m + "The server or provider failed.", status, requestId, retryAfter, server, null);
    }
    String hint =
        status == 404
            ? "Check the model name and apiBase (it should end in /v1)."
            : status == 409
                ? "A conflicting request was in flight."
                : status < 400
                    ? "Check apiBase: redirects are not followed."
                    : "Fix the request (model, messages, parameters) as the message says.";
    return new InvalidRequestException(m + hint, status, requestId, retryAfter, server, null);
  }

  /** The exception for a {@code data: {"error": ...}} event in an otherwise successful stream. */
  public LmException fromErrorEvent(int httpStatus, @Nullable String requestId, ErrorBody body) {
    if (body.status() >= 400) {
      return fromStatus(body.status(), "(in an error event of the stream)", requestId, null, body);
    }
    String server = body.message() == null ? null : scrub(body.message());
    return new ServerException(
        "the stream from "
            + settings.completionsUrl()
            + " reported an error"
            + (server == null ? "" : ": " + server)
            + (requestId == null ? "" : " [request id " + requestId + "]")
            + ". The provider failed mid-stream.",
        httpStatus,
        requestId,
        null,
        server,
        null);
  }

  /** Any failure of one attempt, as an {@link LmException} (an {@link Error} is passed through). */
  public Throwable fromTransport(Throwable t, int status, @Nullable String requestId) {
    if (t instanceof LmException || t instanceof Error) {
      return t;
    }
    String url = settings.completionsUrl();
    if (t instanceof ConnectTimeoutException) {
      return new LmTimeoutException(
          "could not connect to "
              + url
              + " within connectTimeout "
              + seconds(settings.connectTimeout())
              + "; check the network or raise connectTimeout",
          status,
          requestId,
          null,
          null,
          t);
    }
    if (t instanceof ReadTimeoutException) {
      return new LmTimeoutException(
          "no response from "
              + url
              + " within firstByteTimeout "
              + seconds(settings.firstByteTimeout())
              + "; raise firstByteTimeout for slow models",
          status,
          requestId,
          null,
          null,
          t);
    }
    if (t instanceof IdleTimeoutException) {
      return new LmTimeoutException(
          "the stream from "
              + url
              + " sent nothing for idleTimeout "
              + seconds(settings.idleTimeout())
              + "; raise idleTimeout for models that pause long",
          status,
          requestId,
          null,
          null,
          t);
    }
    if (t instanceof TimeoutException) {
      // reactor-pool's PoolAcquireTimeoutException (shaded, so matched by its type only here)
      return new LmTimeoutException(
          "timed out waiting for "
              + url
              + ": "
              + describe(t)
              + "; if no pooled connection became free, lower the concurrency or use a larger ConnectionProvider",
          status,
          requestId,
          null,
          null,
          t);
    }
    if (t instanceof SseDecoder.LineTooLongException
        || t instanceof BoundedBytes.TooLargeException) {
      return new ResponseTooLargeException(
          scrub(t.getMessage())
              + " from "
              + url
              + (requestId == null ? "" : " [request id " + requestId + "]")
              + "; raise LM.builder().maxLineBytes(...) / maxResponseBytes(...) if this is legitimate",
          status,
          requestId);
    }
    if (t instanceof SSLHandshakeException) {
      return new ConnectionException(
          "the TLS handshake with "
              + url
              + " failed: "
              + describe(t)
              + ". The server's certificate is not trusted here (self-signed, expired, issued for another host,"
              + " or replaced by a TLS-intercepting proxy): check apiBase, or give the LM an HttpClient whose"
              + " .secure(...) trusts that certificate",
          status,
          requestId,
          null,
          null,
          t);
    }
    if (t instanceof PrematureCloseException
        || t instanceof IOException
        || t instanceof AbortedException) {
      return new ConnectionException(
          "the connection to "
              + url
              + " failed: "
              + describe(t)
              + (requestId == null ? "" : " [request id " + requestId + "]"),
          status,
          requestId,
          null,
          null,
          t);
    }
    return new LmException(
        "unexpected failure calling " + url + ": " + describe(t),
        status,
        false,
        requestId,
        null,
        null,
        t);
  }

  private String describe(Throwable t) {
    String message = t.getMessage();
    return t.getClass().getSimpleName() + (message == null ? "" : " (" + scrub(message) + ")");
  }

  /** {@code text} with the API key replaced by {@code ***}. */
  public String scrub(String text) {
    String key = settings.apiKey();
    return key == null || key.isEmpty() ? text : text.replace(key, "***");
  }

  /** Signals that a streamed body paused longer than the idle timeout. */
  public static final class IdleTimeoutException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public IdleTimeoutException() {
      super("idle timeout", null, false, false);
    }
  }

  static String seconds(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? (ms / 1000) + " s" : String.format(Locale.ROOT, "%.3f s", ms / 1000.0);
  }
}
