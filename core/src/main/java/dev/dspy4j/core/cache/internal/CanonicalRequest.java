package dev.dspy4j.core.cache.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.core.lm.Message;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/** Builds the canonical JSON of a request for the cache key; see {@code CacheKey#canonicalJson}. */
public final class CanonicalRequest {

  /** Credentials: never in a key, whatever their value. */
  private static final Set<String> CREDENTIAL_HEADERS =
      Set.of("authorization", "proxy-authorization", "api-key", "x-api-key", "cookie");

  /** Tracing headers that do not change the answer (besides every {@code helicone-*} header). */
  private static final Set<String> TRACING_HEADERS =
      Set.of("x-request-id", "traceparent", "tracestate", "baggage");

  /**
   * Extra-body fields that name a credential or an endpoint, as DSPy leaves out api_key/api_base.
   */
  private static final Set<String> ENDPOINT_BODY_FIELDS = Set.of("api_key", "api_base", "base_url");

  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
          .build();

  private CanonicalRequest() {}

  /** The canonical JSON of {@code request} sent to {@code model}. */
  public static String json(String model, LmRequest request) {
    try {
      return MAPPER.writeValueAsString(tree(model, request));
    } catch (JsonProcessingException e) {
      throw notSerialisable(e);
    }
  }

  /** Lower-case hex SHA-256 of the UTF-8 canonical JSON, written straight into the digest. */
  public static String sha256Hex(String model, LmRequest request) {
    var digest = sha256();
    try (var out = new DigestOutputStream(OutputStream.nullOutputStream(), digest)) {
      MAPPER.writeValue(out, tree(model, request));
    } catch (JsonProcessingException e) {
      throw notSerialisable(e);
    } catch (IOException e) {
      throw new UncheckedIOException("unexpected I/O error while hashing in memory", e);
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static Map<String, Object> tree(String model, LmRequest request) {
    Objects.requireNonNull(model, "model must not be null");
    Objects.requireNonNull(request, "request must not be null");
    if (model.isBlank()) {
      throw new IllegalArgumentException(
          "model must not be blank: the cache key needs the model name");
    }
    var root = new TreeMap<String, Object>();
    root.put("model", model);
    List<Map<String, String>> messages = new ArrayList<>(request.messages().size());
    for (Message m : request.messages()) {
      var message = new TreeMap<String, String>();
      message.put("content", m.content());
      message.put("role", m.role());
      messages.add(message);
    }
    root.put("messages", messages);
    request.n().ifPresent(n -> root.put("n", n));
    request.temperature().ifPresent(t -> root.put("temperature", t));
    request.maxTokens().ifPresent(t -> root.put("max_tokens", t));
    if (!request.stop().isEmpty()) root.put("stop", request.stop());
    request.responseFormat().ifPresent(f -> root.put("response_format", f));
    if (!request.extraBody().isEmpty()) {
      var extraBody = new TreeMap<String, Object>();
      request
          .extraBody()
          .forEach(
              (k, v) -> {
                if (!ENDPOINT_BODY_FIELDS.contains(k.toLowerCase(Locale.ROOT))) extraBody.put(k, v);
              });
      if (!extraBody.isEmpty()) root.put("extra_body", extraBody);
    }
    request.rolloutId().ifPresent(id -> root.put("rollout_id", id));
    if (!request.tools().isEmpty()) root.put("tools", request.tools());
    request.toolChoice().ifPresent(c -> root.put("tool_choice", c));
    if (!request.headers().isEmpty()) {
      var headers = new TreeMap<String, String>();
      // Headers holds one header per name (ignoring case); the key spells every name in lower case.
      request
          .headers()
          .forEach(
              (name, value) -> {
                String lower = name.toLowerCase(Locale.ROOT);
                if (answerRelevant(lower)) headers.put(lower, value);
              });
      if (!headers.isEmpty()) root.put("headers", headers);
    }
    return root;
  }

  private static IllegalArgumentException notSerialisable(JsonProcessingException e) {
    // The message names only the failure kind: the value itself may be anything the caller put
    // there.
    return new IllegalArgumentException(
        "the request cannot be written as JSON for the cache key (an extra-body or response_format"
            + " value is not JSON-serialisable: "
            + e.getOriginalMessage()
            + "); use maps, lists,"
            + " strings, numbers and booleans",
        e);
  }

  private static boolean answerRelevant(String lowerCaseHeaderName) {
    return !CREDENTIAL_HEADERS.contains(lowerCaseHeaderName)
        && !TRACING_HEADERS.contains(lowerCaseHeaderName)
        && !lowerCaseHeaderName.startsWith("helicone-");
  }

  /** Lower-case hex SHA-256 of the UTF-8 bytes of {@code text}. */
  public static String sha256Hex(String text) {
    return HexFormat.of().formatHex(sha256().digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(
          "this JVM has no SHA-256, which every Java platform must provide", e);
    }
  }
}
