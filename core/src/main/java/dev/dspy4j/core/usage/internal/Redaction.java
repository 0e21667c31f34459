package dev.dspy4j.core.usage.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Masks credentials in header maps and request bodies before they are kept (history, logs). A name
 * is sensitive when it is {@code Cookie}/{@code Set-Cookie}, or contains {@code auth} ({@code
 * Authorization}, {@code Helicone-Auth}), {@code key}, {@code secret}, {@code password}, {@code
 * credential}, or {@code token} (but not the counting word {@code tokens}, so {@code max_tokens}
 * stays readable). Masking too much is harmless; too little is not.
 */
public final class Redaction {

  /** What a sensitive value is replaced with. */
  public static final String MASK = "[REDACTED]";

  private Redaction() {}

  /** True when a header or body field of this name may hold a credential. */
  public static boolean isSensitive(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    if (n.equals("cookie") || n.equals("set-cookie")) {
      return true;
    }
    if (n.contains("auth")
        || n.contains("key")
        || n.contains("secret")
        || n.contains("password")
        || n.contains("credential")) {
      return true;
    }
    return n.replace("tokens", "").contains("token");
  }

  /** A copy of {@code headers} with sensitive values masked, in the same order. */
  public static Map<String, String> headers(Map<String, String> headers) {
    var out = new LinkedHashMap<String, String>();
    headers.forEach((k, v) -> out.put(k, isSensitive(k) ? MASK : v));
    return Collections.unmodifiableMap(out);
  }

  /** A deep copy of a JSON-like body with the values of sensitive keys masked at every depth. */
  public static Map<String, Object> body(Map<String, ?> body) {
    var out = new LinkedHashMap<String, Object>();
    body.forEach((k, v) -> out.put(k, isSensitive(k) ? MASK : value(v)));
    return Collections.unmodifiableMap(out);
  }

  private static Object value(Object v) {
    if (v instanceof Map<?, ?> m) {
      var out = new LinkedHashMap<String, Object>();
      m.forEach(
          (k, x) -> {
            String key = String.valueOf(k);
            out.put(key, isSensitive(key) ? MASK : value(x));
          });
      return Collections.unmodifiableMap(out);
    }
    if (v instanceof List<?> l) {
      var out = new ArrayList<Object>(l.size());
      l.forEach(x -> out.add(value(x)));
      return Collections.unmodifiableList(out);
    }
    return v;
  }
}
