package dev.dspy4j.core.http;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Checks that HTTP header names and values are safe to send, before anything is sent.
 *
 * <p>A value must be visible ASCII or space ({@code U+0020..U+007E}): CR, LF, TAB, NUL, DEL and
 * every other control character are rejected, because a CR or LF would let a value inject headers
 * and the others are illegal or silently altered on the wire. Non-ASCII text is rejected rather
 * than guessed at; encode it explicitly with {@link #percentEncode(String)} (UTF-8
 * percent-encoding, the encoding dspy4j picked and documents) and decode with {@link
 * #percentDecode(String)}.
 *
 * <p>Error messages name the header and the position and code of the offending character but never
 * repeat the value, so a bad {@code Authorization} header cannot leak its key into a log.
 */
public final class HeaderValues {

  private static final String TOKEN_SYMBOLS = "!#$%&'*+-.^_`|~";
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private HeaderValues() {}

  /**
   * Throws {@link IllegalArgumentException} unless {@code name} is a valid header name and {@code
   * value} a safe header value.
   */
  public static void validate(String name, String value) {
    validateName(name);
    Objects.requireNonNull(
        value, () -> "header '" + name + "' has a null value; give it a value or leave it out");
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c == 0x7F) {
        throw new IllegalArgumentException(
            "header '"
                + name
                + "' contains the control character "
                + codePoint(c)
                + " at index "
                + i
                + "; header values must not contain CR, LF, TAB or other control characters"
                + " (they could inject headers): remove it from the value");
      }
      if (c > 0x7E) {
        throw new IllegalArgumentException(
            "header '"
                + name
                + "' contains the non-ASCII character "
                + codePoint(value.codePointAt(i))
                + " at index "
                + i
                + "; HTTP header values must be ASCII: encode the value first, e.g. with"
                + " HeaderValues.percentEncode(value) (UTF-8 percent-encoding)");
      }
    }
  }

  /**
   * Throws {@link IllegalArgumentException} unless {@code name} is a non-empty HTTP token (letters,
   * digits and {@code !#$%&'*+-.^_`|~}, RFC 9110).
   */
  public static void validateName(String name) {
    Objects.requireNonNull(name, "header name must not be null");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("a header name must not be empty");
    }
    for (int i = 0; i < name.length(); i++) {
      if (!isTokenChar(name.charAt(i))) {
        throw new IllegalArgumentException(
            "header name '"
                + printable(name)
                + "' contains "
                + codePoint(name.codePointAt(i))
                + " at index "
                + i
                + "; a header name may contain only letters, digits and !#$%&'*+-.^_`|~");
      }
    }
  }

  /** True when {@code name} is a non-empty HTTP token. */
  public static boolean isValidName(String name) {
    Objects.requireNonNull(name, "header name must not be null");
    return !name.isEmpty() && name.chars().allMatch(c -> isTokenChar((char) c));
  }

  /** True when {@code c} may appear in an HTTP token (a header name, a policy segment name...). */
  public static boolean isTokenChar(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || TOKEN_SYMBOLS.indexOf(c) >= 0;
  }

  /**
   * Makes any text a safe header value: the UTF-8 bytes of control characters, non-ASCII characters
   * and {@code %} become {@code %XX}; everything else is kept, so ASCII text stays readable.
   * Reverse with {@link #percentDecode(String)} (not {@code URLDecoder}, which also turns {@code +}
   * into a space).
   */
  public static String percentEncode(String value) {
    Objects.requireNonNull(value, "value must not be null");
    var out = new StringBuilder(value.length());
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      int u = b & 0xFF;
      if (u < 0x20 || u > 0x7E || u == '%') {
        out.append('%').append(HEX[u >> 4]).append(HEX[u & 0xF]);
      } else {
        out.append((char) u);
      }
    }
    return out.toString();
  }

  /**
   * Reverses {@link #percentEncode(String)}; rejects a {@code %} not followed by two hex digits.
   */
  public static String percentDecode(String value) {
    Objects.requireNonNull(value, "value must not be null");
    var bytes = new ByteArrayOutputStream(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '%') {
        int hi = i + 2 < value.length() ? Character.digit(value.charAt(i + 1), 16) : -1;
        int lo = i + 2 < value.length() ? Character.digit(value.charAt(i + 2), 16) : -1;
        if (hi < 0 || lo < 0) {
          throw new IllegalArgumentException(
              "'%' at index "
                  + i
                  + " is not followed by two hex digits; the text is not percent-encoded");
        }
        bytes.write(hi << 4 | lo);
        i += 2;
      } else {
        int cp = value.codePointAt(i);
        byte[] raw = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
        bytes.write(raw, 0, raw.length);
        i += Character.charCount(cp) - 1;
      }
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static String codePoint(int cp) {
    return String.format("U+%04X", cp);
  }

  /**
   * The name with anything non-printable escaped, so an error message cannot itself inject lines.
   */
  private static String printable(String s) {
    var out = new StringBuilder();
    s.codePoints()
        .forEach(
            cp -> {
              if (cp >= 0x20 && cp < 0x7F) out.appendCodePoint(cp);
              else out.append("\\u").append(String.format("%04X", cp));
            });
    return out.toString();
  }
}
