package dev.dspy4j.streaming.relay;

import java.util.regex.Pattern;

/** Removes anything that looks like a credential from a message bound for a browser. */
final class Redaction {

  private static final Pattern BEARER = Pattern.compile("(?i)\\bbearer\\s+[^\\s,;\"']+");
  private static final Pattern SK_KEY = Pattern.compile("\\bsk-[A-Za-z0-9_\\-]{4,}");
  private static final Pattern NAMED_SECRET =
      Pattern.compile(
          "(?i)\\b(api[_-]?key|authorization|password|secret|token)(\"?\\s*[:=]\\s*\"?)[^\\s,;\"'&}]+");

  private Redaction() {}

  static String redact(String message) {
    String out = BEARER.matcher(message).replaceAll("Bearer [redacted]");
    out = SK_KEY.matcher(out).replaceAll("sk-[redacted]");
    return NAMED_SECRET.matcher(out).replaceAll("$1$2[redacted]");
  }
}
