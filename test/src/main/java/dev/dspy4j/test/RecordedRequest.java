package dev.dspy4j.test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * One request the local gateway received, exactly as it came over the wire: every header (in order,
 * names as sent, credentials included so tests can check them) and the raw body. {@link
 * #toString()} masks credentials.
 *
 * @param sequence 1 for the gateway's first request, then 2, 3, ...
 * @param method the HTTP method
 * @param path the request path with query string
 * @param headers every header as a (name, value) pair, in the order received
 * @param body the request body as text (empty when there was none)
 */
public record RecordedRequest(
    int sequence,
    String method,
    String path,
    List<Map.Entry<String, String>> headers,
    String body) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Copies the header list so the record stays immutable. */
  public RecordedRequest {
    headers = List.copyOf(headers);
  }

  /** The first value of a header, matched case-insensitively. */
  public Optional<String> header(String name) {
    return headers.stream()
        .filter(h -> h.getKey().equalsIgnoreCase(name))
        .map(Map.Entry::getValue)
        .findFirst();
  }

  /** The {@code Helicone-*} headers (names as sent), in the order received. */
  public Map<String, String> heliconeHeaders() {
    var out = new LinkedHashMap<String, String>();
    for (var h : headers) {
      if (h.getKey().toLowerCase(Locale.ROOT).startsWith("helicone-")) {
        out.putIfAbsent(h.getKey(), h.getValue());
      }
    }
    return out;
  }

  /** The body parsed as JSON; throws {@link UncheckedIOException} if it is not JSON. */
  public JsonNode json() {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new UncheckedIOException("request body is not JSON: " + e.getMessage(), e);
    }
  }

  /** Header value as it may be shown to a person: credentials masked. */
  static String displayValue(String name, String value) {
    String n = name.toLowerCase(Locale.ROOT);
    boolean secret =
        n.equals("authorization")
            || n.equals("proxy-authorization")
            || n.equals("cookie")
            || n.contains("key")
            || n.contains("secret")
            || n.contains("token")
            || n.contains("auth");
    if (!secret) {
      return value;
    }
    int space = value.indexOf(' ');
    return space > 0 && n.endsWith("authorization") ? value.substring(0, space) + " ****" : "****";
  }

  @Override
  public String toString() {
    return "RecordedRequest#"
        + sequence
        + "["
        + method
        + " "
        + path
        + ", headers="
        + headers.stream()
            .map(h -> h.getKey() + ": " + displayValue(h.getKey(), h.getValue()))
            .collect(Collectors.joining(", ", "{", "}"))
        + ", body="
        + body.length()
        + " chars]";
  }
}
