package dev.dspy4j.streaming.relay;

import java.util.regex.Pattern;

/**
 * Removes anything that looks like a credential, and every URL and network address (the LM's
 * internal gateway, a proxy; IPv4 and IPv6, with or without a port), from a message bound for a
 * browser.
 */
final class Redaction {

  private static final Pattern BEARER = Pattern.compile("(?i)\\bbearer\\s+[^\\s,;\"']+");
  private static final Pattern SK_KEY = Pattern.compile("\\bsk-[A-Za-z0-9_\\-]{4,}");
  private static final Pattern NAMED_SECRET =
      Pattern.compile(
          "(?i)\\b(api[_-]?key|authorization|password|secret|token)(\"?\\s*[:=]\\s*\"?)[^\\s,;\"'&}]+");

  private static final Pattern URL = Pattern.compile("(?i)\\b[a-z][a-z0-9+.-]*://[^\\s\"'<>]+");
  private static final Pattern IPV4 =
      Pattern.compile("/?\\b\\d{1,3}(\\.\\d{1,3}){3}(:\\d{1,5})?\\b");
  private static final Pattern IPV6 = Pattern.compile("/?\\[[0-9A-Fa-f:.%]+](:\\d{1,5})?");

  private Redaction() {}

  static String redact(String message) {
    String out = URL.matcher(message).replaceAll("[url]");
    out = BEARER.matcher(out).replaceAll("Bearer [redacted]");
    out = SK_KEY.matcher(out).replaceAll("sk-[redacted]");
    out = NAMED_SECRET.matcher(out).replaceAll("$1$2[redacted]");
    out = IPV6.matcher(out).replaceAll("[address]");
    return IPV4.matcher(out).replaceAll("[address]");
  }
}
