package dev.dspy4j.streaming.helicone;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.core.evaluate.EvaluationReporter;
import dev.dspy4j.core.evaluate.EvaluationResult;
import dev.dspy4j.core.lm.LmConfigurationException;
import dev.dspy4j.streaming.internal.DefaultConnectionPool;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;
import reactor.util.retry.Retry;

/**
 * Reports evaluation scores to Helicone, next to the logged requests they came from: for each row
 * whose prediction has a Helicone request id, {@code POST {baseUrl}/v1/evals/{requestId}} with
 * {@code {"name": metric, "score": score}} (Helicone's evals API takes doubles). Off unless given
 * to {@code Evaluate.reportTo}:
 *
 * <pre>{@code
 * Evaluate.of(devset, metric).reportTo(HeliconeEvals.builder(System.getenv("HELICONE_API_KEY")).build())
 * }</pre>
 *
 * <p>At most 8 posts in flight; a 429, a 5xx or a connection failure is retried 3 times with
 * backoff (Helicone may not have ingested a request's log yet). Rows without a request id (cache
 * hits of the client cache, failed calls) are skipped. When some posts still fail, one warning says
 * how many; a 401/403 fails the report with a {@link LmConfigurationException}. The API key is sent
 * as a bearer token and never appears in logs, messages or {@code toString()}.
 */
public final class HeliconeEvals implements EvaluationReporter {

  private static final Logger LOG = LoggerFactory.getLogger(HeliconeEvals.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,200}");

  private final String apiKey;
  private final String baseUrl;
  private final int concurrency;
  private final int retries;
  private final Duration firstBackoff;
  private final HttpClient http;

  private HeliconeEvals(Builder b) {
    this.apiKey = b.apiKey;
    this.baseUrl = b.baseUrl;
    this.concurrency = b.concurrency;
    this.retries = b.retries;
    this.firstBackoff = b.firstBackoff;
    this.http =
        HttpClient.create(DefaultConnectionPool.get()).responseTimeout(Duration.ofSeconds(30));
  }

  /**
   * A reporter authenticating with this Helicone API key, to {@code https://api.helicone.ai}.
   *
   * @throws LmConfigurationException when the key is null or blank
   */
  public static Builder builder(String apiKey) {
    return new Builder(apiKey);
  }

  /** What one report did: posts sent and accepted, posts that failed, rows without a request id. */
  public record Summary(int accepted, int failed, int skipped) {}

  @Override
  public Mono<Void> report(EvaluationResult result, String metricName) {
    return send(result, metricName).then();
  }

  /**
   * Posts every score that has a request id and emits what happened. Errors with {@link
   * LmConfigurationException} when Helicone rejects the key; cancelling stops the posting.
   */
  public Mono<Summary> send(EvaluationResult result, String metricName) {
    Objects.requireNonNull(result, "result must not be null");
    Objects.requireNonNull(metricName, "metricName must not be null");
    var accepted = new AtomicInteger();
    var failed = new AtomicInteger();
    var skipped = new AtomicInteger();
    List<EvaluationResult.Row> rows = result.rows();
    return Flux.fromIterable(rows)
        .filter(
            row -> {
              boolean has =
                  row.prediction()
                      .requestId()
                      .filter(id -> REQUEST_ID.matcher(id).matches())
                      .isPresent();
              if (!has) skipped.incrementAndGet();
              return has;
            })
        .flatMap(
            row ->
                post(row.prediction().requestId().orElseThrow(), metricName, row.score())
                    .doOnSuccess(v -> accepted.incrementAndGet())
                    .onErrorResume(
                        e -> !(e instanceof LmConfigurationException),
                        e -> {
                          failed.incrementAndGet();
                          return Mono.empty();
                        }),
            concurrency)
        .then(
            Mono.fromSupplier(
                () -> {
                  var summary = new Summary(accepted.get(), failed.get(), skipped.get());
                  if (summary.failed() > 0) {
                    LOG.warn(
                        "Helicone evals: {} of {} scores could not be posted for metric {} ({} accepted, {} rows"
                            + " without a request id)",
                        summary.failed(),
                        rows.size(),
                        metricName,
                        summary.accepted(),
                        summary.skipped());
                  }
                  return summary;
                }));
  }

  private Mono<Void> post(String requestId, String metricName, double score) {
    var body = new LinkedHashMap<String, Object>();
    body.put("name", metricName);
    body.put("score", score);
    byte[] bytes;
    try {
      bytes = JSON.writeValueAsBytes(body);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return Mono.error(new IllegalStateException("cannot encode the score", e));
    }
    return http.headers(
            h -> h.set("Authorization", "Bearer " + apiKey).set("Content-Type", "application/json"))
        .post()
        .uri(baseUrl + "/v1/evals/" + requestId)
        .send(ByteBufFlux.fromInbound(Mono.just(bytes)))
        .responseSingle(
            (response, content) ->
                content
                    .asString(StandardCharsets.UTF_8)
                    .defaultIfEmpty("")
                    .flatMap(
                        text -> {
                          int status = response.status().code();
                          if (status >= 200 && status < 300) return Mono.<Void>empty();
                          if (status == 401 || status == 403) {
                            return Mono.<Void>error(
                                new LmConfigurationException(
                                    "Helicone rejected the API key for evals (HTTP "
                                        + status
                                        + "); check HELICONE_API_KEY"));
                          }
                          return Mono.<Void>error(new PostFailed(status, requestId));
                        }))
        .retryWhen(
            Retry.backoff(retries, firstBackoff)
                .filter(
                    e ->
                        !(e instanceof LmConfigurationException)
                            && (!(e instanceof PostFailed p) || p.status == 429 || p.status >= 500))
                .onRetryExhaustedThrow((spec, signal) -> signal.failure()));
  }

  @Override
  public String toString() {
    return "HeliconeEvals(baseUrl=" + baseUrl + ", apiKey=***)";
  }

  private static final class PostFailed extends RuntimeException {
    final int status;

    PostFailed(int status, String requestId) {
      super(
          "Helicone answered HTTP " + status + " to the score of request " + requestId,
          null,
          false,
          false);
      this.status = status;
    }
  }

  /** Settings of a {@link HeliconeEvals}. */
  public static final class Builder {
    private final String apiKey;
    private String baseUrl = "https://api.helicone.ai";
    private int concurrency = 8;
    private int retries = 3;
    private Duration firstBackoff = Duration.ofSeconds(1);

    private Builder(String apiKey) {
      if (apiKey == null || apiKey.isBlank()) {
        throw new LmConfigurationException(
            "a Helicone API key is needed to report evals (HELICONE_API_KEY)");
      }
      this.apiKey = apiKey;
    }

    /**
     * Helicone's API host: {@code https://api.helicone.ai} (default) or {@code
     * https://eu.api.helicone.ai}.
     */
    public Builder baseUrl(String baseUrl) {
      URI uri;
      try {
        uri = URI.create(Objects.requireNonNull(baseUrl, "baseUrl must not be null"));
      } catch (IllegalArgumentException e) {
        throw new LmConfigurationException("baseUrl is not a URL: " + baseUrl);
      }
      if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())
          || uri.getHost() == null) {
        throw new LmConfigurationException(
            "baseUrl must be an http(s) URL with a host, was " + baseUrl);
      }
      this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
      return this;
    }

    /** Posts in flight at once; default 8. */
    public Builder concurrency(int concurrency) {
      if (concurrency < 1)
        throw new IllegalArgumentException("concurrency must be at least 1, was " + concurrency);
      this.concurrency = concurrency;
      return this;
    }

    /**
     * Retries of a post answered 429/5xx or failing to connect, with exponential backoff from
     * {@code first}.
     */
    public Builder retries(int retries, Duration first) {
      if (retries < 0)
        throw new IllegalArgumentException("retries must not be negative, was " + retries);
      this.retries = retries;
      this.firstBackoff = Objects.requireNonNull(first, "first must not be null");
      return this;
    }

    public HeliconeEvals build() {
      return new HeliconeEvals(this);
    }
  }
}
