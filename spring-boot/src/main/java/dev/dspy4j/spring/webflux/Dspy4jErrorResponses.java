package dev.dspy4j.spring.webflux;

import dev.dspy4j.core.adapter.AdapterParseException;
import dev.dspy4j.core.lm.ConnectionException;
import dev.dspy4j.core.lm.LmException;
import dev.dspy4j.core.lm.LmTimeoutException;
import dev.dspy4j.core.lm.RateLimitException;
import dev.dspy4j.core.lm.ServerException;
import dev.dspy4j.core.predict.MissingInputException;
import dev.dspy4j.streaming.relay.InvalidChatRequestException;
import org.jspecify.annotations.Nullable;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import reactor.core.publisher.Mono;

/**
 * Maps dspy4j's exceptions, raised by a controller before a response started, to HTTP answers
 * ({@code application/problem+json}):
 *
 * <ul>
 *   <li>a missing input ({@link MissingInputException}) or a bad input value (an {@link
 *       IllegalArgumentException} raised by dspy4j itself): 400 with the message (it names the
 *       field). An {@code IllegalArgumentException} raised by the application's own code is left
 *       alone (Boot's default handling: 500), so that a bug is not answered as the client's fault;
 *   <li>{@link RateLimitException}: 429, with {@code Retry-After} when the gateway gave one;
 *   <li>{@link LmTimeoutException}: 504; {@link ConnectionException}: 503; a gateway 503: 503;
 *   <li>every other {@link LmException} and an unparseable LM answer ({@link
 *       AdapterParseException}): 502.
 * </ul>
 *
 * LM failures carry the gateway's request id ({@code requestId}) when known, and a fixed
 * description: never the upstream URL, the upstream message or a credential. Lowest precedence: an
 * application's own {@code @ExceptionHandler}s win. Once a stream has started, errors reach the
 * browser as the relay's {@code error} event instead (see {@link SseEvents}).
 */
@RestControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
public class Dspy4jErrorResponses {

  /** 400 for a missing input. */
  @ExceptionHandler(MissingInputException.class)
  public ResponseEntity<ProblemDetail> missingInput(MissingInputException e) {
    return problem(HttpStatus.BAD_REQUEST, "Missing input", e.getMessage(), null, null);
  }

  /** 400 for a chat request body the AI SDK mapping could not read. */
  @ExceptionHandler(InvalidChatRequestException.class)
  public ResponseEntity<ProblemDetail> invalidChatRequest(InvalidChatRequestException e) {
    return problem(HttpStatus.BAD_REQUEST, "Invalid chat request", e.getMessage(), null, null);
  }

  /**
   * 400 for an input value dspy4j refused; any other {@code IllegalArgumentException} passes on.
   */
  @ExceptionHandler(IllegalArgumentException.class)
  public Mono<ResponseEntity<ProblemDetail>> badValue(IllegalArgumentException e) {
    return raisedByDspy4j(e)
        ? Mono.just(problem(HttpStatus.BAD_REQUEST, "Bad input", e.getMessage(), null, null))
        : Mono.error(e);
  }

  /**
   * True when the first frame outside the JDK is dspy4j's (the exception was raised by the
   * library).
   */
  private static boolean raisedByDspy4j(Throwable e) {
    for (StackTraceElement frame : e.getStackTrace()) {
      String cls = frame.getClassName();
      if (cls.startsWith("java.") || cls.startsWith("jdk.") || cls.startsWith("sun.")) continue;
      return cls.startsWith("dev.dspy4j.core.") || cls.startsWith("dev.dspy4j.streaming.");
    }
    return false;
  }

  /** 502 when the LM's answer did not have the signature's fields. */
  @ExceptionHandler(AdapterParseException.class)
  public ResponseEntity<ProblemDetail> unparseable(AdapterParseException e) {
    return problem(
        HttpStatus.BAD_GATEWAY,
        "Unparseable LM answer",
        "the language model's answer did not contain the expected output fields",
        null,
        null);
  }

  /** 429/502/503/504 for a failed LM call. */
  @ExceptionHandler(LmException.class)
  public ResponseEntity<ProblemDetail> lmFailed(LmException e) {
    HttpStatus status;
    String title;
    if (e instanceof RateLimitException) {
      status = HttpStatus.TOO_MANY_REQUESTS;
      title = "LM rate limit reached";
    } else if (e instanceof LmTimeoutException) {
      status = HttpStatus.GATEWAY_TIMEOUT;
      title = "LM call timed out";
    } else if (e instanceof ConnectionException
        || (e instanceof ServerException && e.statusCode() == 503)) {
      status = HttpStatus.SERVICE_UNAVAILABLE;
      title = "LM unavailable";
    } else {
      status = HttpStatus.BAD_GATEWAY;
      title = "LM call failed";
    }
    String detail =
        title
            + " ("
            + e.getClass().getSimpleName()
            + (e.statusCode() > 0 ? ", upstream status " + e.statusCode() : "")
            + ")";
    String retryAfter =
        e.retryAfter()
            .map(d -> Long.toString(Math.max(1, (d.toMillis() + 999) / 1000)))
            .orElse(null);
    return problem(status, title, detail, e.requestId().orElse(null), retryAfter);
  }

  private static ResponseEntity<ProblemDetail> problem(
      HttpStatus status,
      String title,
      String detail,
      @Nullable String requestId,
      @Nullable String retryAfter) {
    ProblemDetail body = ProblemDetail.forStatusAndDetail(status, detail);
    body.setTitle(title);
    if (requestId != null) body.setProperty("requestId", requestId);
    ResponseEntity.BodyBuilder b =
        ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON);
    if (retryAfter != null) b.header(HttpHeaders.RETRY_AFTER, retryAfter);
    return b.body(body);
  }
}
