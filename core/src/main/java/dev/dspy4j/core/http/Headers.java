package dev.dspy4j.core.http;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * An immutable, ordered set of HTTP headers whose names are looked up ignoring case: the one type
 * dspy4j uses for request headers ({@code LmRequest.headers()}, an LM's defaults), response headers
 * ({@code LmResponse.headers()}) and Helicone headers.
 *
 * <pre>{@code
 * Headers h = Headers.builder().set("X-Trace", "abc").set("Accept", "text/event-stream").build();
 * h.get("x-trace");                 // "abc"
 * h.with("x-TRACE", "def").names(); // [x-TRACE, Accept]: replaced in place, new spelling
 * }</pre>
 *
 * <ul>
 *   <li>One header per name: setting a name that is already present (in any letter case) replaces
 *       its value and spelling in place; otherwise headers keep the order they were added in.
 *   <li>Every name and value is checked once, when it is added ({@link HeaderValues#validate}: an
 *       HTTP token name; a value of visible ASCII and spaces, no CR, LF or other control
 *       character). The error message names the header, never its value.
 *   <li>{@link #equals} and {@link #hashCode} compare names ignoring case and values exactly, and
 *       ignore order, as {@link Map#equals} does.
 *   <li>{@link #toString()} shows the names only: values may be credentials.
 * </ul>
 */
public final class Headers {

  private static final Headers EMPTY = new Headers(new String[0], new String[0]);

  /** Names in order, spelt as given. */
  private final String[] names;

  /** {@code values[i]} belongs to {@code names[i]}. */
  private final String[] values;

  private Headers(String[] names, String[] values) {
    this.names = names;
    this.values = values;
  }

  /** No headers. */
  public static Headers empty() {
    return EMPTY;
  }

  /** An empty builder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The headers of {@code map}, in its iteration order, each checked as {@link Builder#set} does.
   */
  public static Headers of(Map<String, String> map) {
    Objects.requireNonNull(map, "headers must not be null");
    if (map.isEmpty()) return EMPTY;
    return builder().setAll(map).build();
  }

  /** One header. */
  public static Headers of(String name, String value) {
    return builder().set(name, value).build();
  }

  /** Two headers, in this order. */
  public static Headers of(String name1, String value1, String name2, String value2) {
    return builder().set(name1, value1).set(name2, value2).build();
  }

  /** A builder holding these headers. */
  public Builder toBuilder() {
    var b = new Builder();
    for (int i = 0; i < names.length; i++) {
      b.names.add(names[i]);
      b.values.add(values[i]);
    }
    return b;
  }

  /** The value of header {@code name}, ignoring case; null when absent. */
  public @Nullable String get(String name) {
    int i = indexOf(name);
    return i < 0 ? null : values[i];
  }

  /** The value of header {@code name}, ignoring case, if present. */
  public Optional<String> value(String name) {
    return Optional.ofNullable(get(name));
  }

  /** True when header {@code name} is present, ignoring case. */
  public boolean contains(String name) {
    return indexOf(name) >= 0;
  }

  /**
   * The id the server gave this exchange: the first non-blank of {@code Helicone-Id} (the Helicone
   * gateway's id), {@code Helicone-Request-Id} (an id the client chose and the gateway kept) and
   * {@code x-request-id} (the provider's), trimmed. The one request-id lookup of dspy4j: responses,
   * errors and Helicone metadata all read it here.
   */
  public Optional<String> requestId() {
    return requestId(this::get);
  }

  /**
   * The request id among headers read through {@code header} (a case-insensitive lookup, e.g. a
   * transport's own header object), by the same rule as {@link #requestId()}: the one place that
   * rule is written, so a transport need not copy every response header to find it.
   */
  public static Optional<String> requestId(Function<String, @Nullable String> header) {
    for (String name : REQUEST_ID_HEADERS) {
      String v = header.apply(name);
      if (v != null && !v.isBlank()) return Optional.of(v.trim());
    }
    return Optional.empty();
  }

  private static final String[] REQUEST_ID_HEADERS = {
    "Helicone-Id", "Helicone-Request-Id", "x-request-id"
  };

  /** The header names in order, spelt as given (unmodifiable). */
  public List<String> names() {
    return List.of(names);
  }

  /**
   * The headers as an unmodifiable map from name (spelt as given) to value, in order. Note that the
   * map's own {@code get} is case-sensitive; use {@link #get(String)} for lookups.
   */
  public Map<String, String> asMap() {
    var map = new LinkedHashMap<String, String>(names.length * 2);
    for (int i = 0; i < names.length; i++) map.put(names[i], values[i]);
    return Collections.unmodifiableMap(map);
  }

  /** Calls {@code action} with each name and value, in order. */
  public void forEach(BiConsumer<String, String> action) {
    Objects.requireNonNull(action, "action must not be null");
    for (int i = 0; i < names.length; i++) action.accept(names[i], values[i]);
  }

  /** True when there are no headers. */
  public boolean isEmpty() {
    return names.length == 0;
  }

  /** The number of headers. */
  public int size() {
    return names.length;
  }

  /**
   * These headers with {@code name} set to {@code value} (replacing one of the same name, in
   * place).
   */
  public Headers with(String name, String value) {
    return toBuilder().set(name, value).build();
  }

  /** These headers with every header of {@code other} set over them, in {@code other}'s order. */
  public Headers with(Headers other) {
    Objects.requireNonNull(other, "other headers must not be null");
    if (other.isEmpty()) return this;
    if (isEmpty()) return other;
    return toBuilder().setAll(other).build();
  }

  /** These headers without {@code name} (ignoring case); this when it is absent. */
  public Headers without(String name) {
    return contains(name) ? toBuilder().remove(name).build() : this;
  }

  private int indexOf(String name) {
    Objects.requireNonNull(name, "header name must not be null");
    for (int i = 0; i < names.length; i++) {
      if (names[i].equalsIgnoreCase(name)) return i;
    }
    return -1;
  }

  /** Equal to other headers with the same names (ignoring case) and values, in any order. */
  @Override
  public boolean equals(Object o) {
    if (o == this) return true;
    if (!(o instanceof Headers h) || h.names.length != names.length) return false;
    for (int i = 0; i < names.length; i++) {
      if (!values[i].equals(h.get(names[i]))) return false;
    }
    return true;
  }

  @Override
  public int hashCode() {
    int hash = 0;
    for (int i = 0; i < names.length; i++) {
      hash += names[i].toLowerCase(Locale.ROOT).hashCode() ^ values[i].hashCode();
    }
    return hash;
  }

  /** The names only ({@code Headers[Authorization, Accept]}): values may be credentials. */
  @Override
  public String toString() {
    return "Headers" + names();
  }

  /**
   * Mutable builder for {@link Headers}; every {@link #set} checks its name and value at once. Not
   * thread-safe.
   */
  public static final class Builder {
    private final List<String> names = new ArrayList<>();
    private final List<String> values = new ArrayList<>();

    private Builder() {}

    /**
     * Sets header {@code name} to {@code value}: a header of the same name (ignoring case) is
     * replaced in its position, with this spelling; otherwise the header is added at the end.
     *
     * @throws IllegalArgumentException when the name is not an HTTP token or the value holds a
     *     control or non-ASCII character (the message names the header, never the value)
     * @throws NullPointerException when the name or value is null
     */
    public Builder set(String name, String value) {
      HeaderValues.validate(name, value);
      int i = indexOf(name);
      if (i < 0) {
        names.add(name);
        values.add(value);
      } else {
        names.set(i, name);
        values.set(i, value);
      }
      return this;
    }

    /** {@link #set} for each entry of {@code headers}, in its iteration order. */
    public Builder setAll(Map<String, String> headers) {
      Objects.requireNonNull(headers, "headers must not be null").forEach(this::set);
      return this;
    }

    /** {@link #set} for each of {@code headers}, in order (they are valid already). */
    public Builder setAll(Headers headers) {
      Objects.requireNonNull(headers, "headers must not be null");
      for (int k = 0; k < headers.names.length; k++) {
        int i = indexOf(headers.names[k]);
        if (i < 0) {
          names.add(headers.names[k]);
          values.add(headers.values[k]);
        } else {
          names.set(i, headers.names[k]);
          values.set(i, headers.values[k]);
        }
      }
      return this;
    }

    /** Removes header {@code name} (ignoring case), if present. */
    public Builder remove(String name) {
      int i = indexOf(name);
      if (i >= 0) {
        names.remove(i);
        values.remove(i);
      }
      return this;
    }

    /** The value set for {@code name} so far (ignoring case), or null. */
    public @Nullable String get(String name) {
      int i = indexOf(name);
      return i < 0 ? null : values.get(i);
    }

    private int indexOf(String name) {
      Objects.requireNonNull(name, "header name must not be null");
      for (int i = 0; i < names.size(); i++) {
        if (names.get(i).equalsIgnoreCase(name)) return i;
      }
      return -1;
    }

    /** The immutable headers; the builder may be reused afterwards without affecting them. */
    public Headers build() {
      if (names.isEmpty()) return EMPTY;
      return new Headers(names.toArray(new String[0]), values.toArray(new String[0]));
    }
  }
}
