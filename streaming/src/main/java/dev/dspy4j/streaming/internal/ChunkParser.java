package dev.dspy4j.streaming.internal;

import dev.dspy4j.core.lm.LmChunk;
import dev.dspy4j.core.lm.ToolCallDelta;
import dev.dspy4j.core.lm.Usage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Reads one {@code chat.completion.chunk} JSON payload and turns it into {@link LmChunk}s: one per
 * choice that carries text, reasoning, function-call pieces ({@code tool_calls}) or a finish reason
 * (a role-only delta yields none), or one usage chunk when {@code choices} is empty and {@code
 * usage} is present. Unknown fields are skipped.
 *
 * <p>This is the hottest code of a stream (it runs once per token), so it is a small strict JSON
 * reader over the payload's bytes rather than a general parser: field names are compared as bytes
 * (nothing is allocated for the fields it skips), and only the strings it returns are decoded. It
 * still validates everything it skips: malformed JSON anywhere in the payload is an {@link
 * IOException}, as it would be from Jackson. Stateless and thread-safe.
 */
public final class ChunkParser {

  /** What one payload turned out to be. */
  public enum Kind {
    /** Zero or more chunks were added to the output. */
    CHUNKS,
    /**
     * At most one chunk was added, a plain text delta (no finish reason, usage, reasoning or
     * function-call pieces): the payload was read through the stream's {@link ChunkTemplate}.
     */
    TEXT,
    /** The payload carries a non-null top-level {@code error}: the stream failed. */
    ERROR
  }

  private static final int MAX_DEPTH = 1000;

  private static final byte[] CHOICES = ascii("choices");
  private static final byte[] USAGE = ascii("usage");
  private static final byte[] ERROR = ascii("error");
  private static final byte[] INDEX = ascii("index");
  private static final byte[] FINISH_REASON = ascii("finish_reason");
  private static final byte[] DELTA = ascii("delta");
  private static final byte[] MESSAGE = ascii("message");
  private static final byte[] CONTENT = ascii("content");
  private static final byte[] REASONING = ascii("reasoning");
  private static final byte[] REASONING_CONTENT = ascii("reasoning_content");
  private static final byte[] TOOL_CALLS = ascii("tool_calls");
  private static final byte[] ID = ascii("id");
  private static final byte[] FUNCTION = ascii("function");
  private static final byte[] NAME = ascii("name");
  private static final byte[] ARGUMENTS = ascii("arguments");
  private static final byte[] PROMPT_TOKENS = ascii("prompt_tokens");
  private static final byte[] COMPLETION_TOKENS = ascii("completion_tokens");
  private static final byte[] TOTAL_TOKENS = ascii("total_tokens");

  /**
   * Parses {@code data[0, length)} and appends its chunks to {@code out}.
   *
   * @throws IOException when the payload is not a well-formed JSON object
   */
  public Kind parse(byte[] data, int length, List<LmChunk> out) throws IOException {
    return new Reader(data, length).chunk(out);
  }

  /**
   * Like {@link #parse(byte[], int, List)}, reading through {@code template} a payload of its shape
   * (only the text between the quotes differs: compared, not parsed) and teaching it the shape of a
   * payload parsed in full whose one chunk is a plain text delta. The chunks and errors are the
   * same as the full parse's: where the template's bytes match, the full parse would take the same
   * path.
   *
   * @throws IOException when the payload is not a well-formed JSON object
   */
  Kind parse(byte[] data, int length, List<LmChunk> out, ChunkTemplate template)
      throws IOException {
    int textStart = template.textStart(data, length);
    if (textStart >= 0) {
      Reader text = new Reader(data, length);
      text.pos = textStart;
      String value = text.stringBody(textStart);
      if (template.endsLikeTemplate(data, length, text.pos - 1)) {
        if (!value.isEmpty()) {
          out.add(LmChunk.of(template.index(), value, null, null, null));
        }
        return Kind.TEXT;
      }
    }
    int before = out.size();
    Reader reader = new Reader(data, length);
    Kind kind = reader.chunk(out);
    if (kind == Kind.CHUNKS && out.size() == before + 1 && reader.textStart >= 0) {
      LmChunk chunk = out.get(before);
      if (!chunk.text().isEmpty()
          && chunk.reasoning().isEmpty()
          && chunk.finishReason().isEmpty()
          && chunk.usage().isEmpty()
          && chunk.toolCallDeltas().isEmpty()) {
        template.learn(data, length, reader.textStart, reader.textEnd, chunk.index());
      }
    }
    return kind;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /** A cursor over one payload. */
  private static final class Reader {
    private final byte[] b;
    private final int end;
    private int pos;

    /**
     * Where the last field name read by {@link #fieldName()} starts and ends (between the quotes).
     */
    private int nameStart;

    private int nameEnd;

    /**
     * Where the text of the last chunk added sits (its content string's body, {@code textEnd} its
     * closing quote), or -1 when that text was not read from a content string.
     */
    private int textStart = -1;

    private int textEnd;

    /** The same for the choice being read. */
    private int choiceTextStart = -1;

    private int choiceTextEnd;

    Reader(byte[] b, int end) {
      this.b = b;
      this.end = end;
    }

    Kind chunk(List<LmChunk> out) throws IOException {
      int firstChoice = out.size();
      Usage usage = null;
      boolean error = false;
      if (peek() != '{') {
        throw fail("expected a JSON object");
      }
      pos++;
      if (!endOfObject()) {
        do {
          fieldName();
          if (nameIs(CHOICES)) {
            out.subList(firstChoice, out.size()).clear(); // a repeated field: the last one counts
            if (peek() == '[') {
              choices(out);
            } else {
              skipValue(1);
            }
          } else if (nameIs(USAGE)) {
            usage = peek() == '{' ? usage() : skipToNull();
          } else if (nameIs(ERROR)) {
            error = !isNull();
            skipValue(1);
          } else {
            skipValue(1);
          }
        } while (nextMember('}'));
      }
      pos++;
      if (error) {
        out.subList(firstChoice, out.size()).clear();
        return Kind.ERROR;
      }
      if (usage != null) {
        if (out.size() > firstChoice) { // usage sent on a choice chunk: keep it on the first choice
          LmChunk c = out.get(firstChoice);
          out.set(firstChoice, c.withUsage(usage));
        } else {
          out.add(LmChunk.ofUsage(usage));
        }
      }
      return Kind.CHUNKS;
    }

    private void choices(List<LmChunk> out) throws IOException {
      pos++; // [
      if (endOfArray()) {
        pos++;
        return;
      }
      do {
        if (peek() == '{') {
          LmChunk chunk = choice();
          // A role-only delta carries nothing a subscriber can use; emitting it would also be
          // repeated by a transparent retry.
          if (!chunk.text().isEmpty()
              || chunk.reasoning().isPresent()
              || chunk.finishReason().isPresent()
              || !chunk.toolCallDeltas().isEmpty()) {
            out.add(chunk);
            textStart = choiceTextStart;
            textEnd = choiceTextEnd;
          }
        } else {
          skipValue(2);
        }
      } while (nextMember(']'));
      pos++;
    }

    private LmChunk choice() throws IOException {
      int index = 0;
      String text = "";
      String reasoning = null;
      String finishReason = null;
      List<ToolCallDelta> toolCalls = List.of();
      choiceTextStart = -1;
      pos++; // {
      if (!endOfObject()) {
        do {
          fieldName();
          if (nameIs(INDEX)) {
            Integer i = intOrNull();
            index = i == null ? 0 : i;
          } else if (nameIs(FINISH_REASON)) {
            finishReason = stringOrSkip(3);
          } else if ((nameIs(DELTA) || nameIs(MESSAGE)) && peek() == '{') {
            pos++;
            if (!endOfObject()) {
              do {
                fieldName();
                if (nameIs(CONTENT)) {
                  int start = peek() == '"' ? pos + 1 : -1;
                  String content = stringOrSkip(4);
                  text = content == null ? "" : content;
                  choiceTextStart = content == null ? -1 : start;
                  choiceTextEnd = pos - 1;
                } else if (nameIs(TOOL_CALLS)) {
                  // Only function-calling answers carry it: the plain-text path never comes here.
                  toolCalls = peek() == '[' ? toolCalls() : skipToList(4);
                } else if (nameIs(REASONING) || nameIs(REASONING_CONTENT)) {
                  String r = stringOrSkip(4);
                  if (r != null) {
                    reasoning = r;
                  }
                } else {
                  skipValue(4);
                }
              } while (nextMember('}'));
            }
            pos++;
          } else {
            skipValue(3);
          }
        } while (nextMember('}'));
      }
      pos++;
      return toolCalls.isEmpty()
          ? LmChunk.of(Math.max(index, 0), text, reasoning, finishReason, null)
          : LmChunk.of(Math.max(index, 0), text, reasoning, finishReason, null, toolCalls);
    }

    private List<ToolCallDelta> skipToList(int depth) throws IOException {
      skipValue(depth);
      return List.of();
    }

    /**
     * {@code tool_calls}: one piece per object item (other items are skipped), its index the item's
     * {@code index} (its position in the array when absent or not an integer; negative becomes 0).
     */
    private List<ToolCallDelta> toolCalls() throws IOException {
      var calls = new ArrayList<ToolCallDelta>(1);
      pos++; // [
      if (endOfArray()) {
        pos++;
        return calls;
      }
      int position = 0;
      do {
        if (peek() == '{') {
          calls.add(toolCall(position));
        } else {
          skipValue(5);
        }
        position++;
      } while (nextMember(']'));
      pos++;
      return calls;
    }

    private ToolCallDelta toolCall(int position) throws IOException {
      Integer index = null;
      String id = null;
      String name = null;
      String arguments = null;
      pos++; // {
      if (!endOfObject()) {
        do {
          fieldName();
          if (nameIs(INDEX)) {
            index = intOrNull();
          } else if (nameIs(ID)) {
            id = stringOrSkip(6);
          } else if (nameIs(FUNCTION)) {
            name = null; // a repeated field: the last one counts, as a whole
            arguments = null;
            if (peek() == '{') {
              pos++;
              if (!endOfObject()) {
                do {
                  fieldName();
                  if (nameIs(NAME)) {
                    name = stringOrSkip(7);
                  } else if (nameIs(ARGUMENTS)) {
                    arguments = stringOrSkip(7);
                  } else {
                    skipValue(7);
                  }
                } while (nextMember('}'));
              }
              pos++;
            } else {
              skipValue(6);
            }
          } else {
            skipValue(6);
          }
        } while (nextMember('}'));
      }
      pos++;
      return new ToolCallDelta(
          index == null ? position : Math.max(index, 0),
          id,
          name,
          arguments == null ? "" : arguments);
    }

    private Usage usage() throws IOException {
      int prompt = 0;
      int completion = 0;
      int total = -1;
      pos++; // {
      if (!endOfObject()) {
        do {
          fieldName();
          if (nameIs(PROMPT_TOKENS)) {
            Integer v = intOrNull();
            prompt = v == null ? prompt : Math.max(0, v);
          } else if (nameIs(COMPLETION_TOKENS)) {
            Integer v = intOrNull();
            completion = v == null ? completion : Math.max(0, v);
          } else if (nameIs(TOTAL_TOKENS)) {
            Integer v = intOrNull();
            total = v == null ? total : Math.max(0, v);
          } else {
            skipValue(2);
          }
        } while (nextMember('}'));
      }
      pos++;
      return new Usage(
          prompt,
          completion,
          total < 0 ? (int) Math.min(Integer.MAX_VALUE, (long) prompt + completion) : total);
    }

    // ---- structure
    // --------------------------------------------------------------------------------

    /** Skips whitespace and returns the next byte without consuming it. */
    private int peek() throws IOException {
      if (pos < end && b[pos] > ' ') {
        return b[pos]; // the common case: no whitespace (chunks are sent compact)
      }
      while (pos < end) {
        byte c = b[pos];
        if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
          return c;
        }
        pos++;
      }
      throw fail("truncated JSON");
    }

    /** True (cursor on the '}') when the object just opened is empty. */
    private boolean endOfObject() throws IOException {
      return peek() == '}';
    }

    private boolean endOfArray() throws IOException {
      return peek() == ']';
    }

    /**
     * After a member: true when a ',' follows (consumed), false when {@code close} does (not
     * consumed).
     */
    private boolean nextMember(char close) throws IOException {
      int c = peek();
      if (c == ',') {
        pos++;
        return true;
      }
      if (c == close) {
        return false;
      }
      throw fail("expected ',' or '" + close + "'");
    }

    /** Reads {@code "name" :}, remembering where the name's bytes are. */
    private void fieldName() throws IOException {
      if (peek() != '"') {
        throw fail("expected a field name");
      }
      pos++;
      nameStart = pos;
      boolean escaped = skipStringBody();
      nameEnd = escaped ? -1 : pos - 1; // an escaped name never equals one of ours
      if (peek() != ':') {
        throw fail("expected ':'");
      }
      pos++;
    }

    private boolean nameIs(byte[] name) {
      if (nameEnd - nameStart != name.length) {
        return false;
      }
      for (int i = 0; i < name.length; i++) {
        if (b[nameStart + i] != name[i]) {
          return false;
        }
      }
      return true;
    }

    private boolean isNull() throws IOException {
      return peek() == 'n';
    }

    private <T> @Nullable T skipToNull() throws IOException {
      skipValue(2);
      return null;
    }

    // ---- values
    // -----------------------------------------------------------------------------------

    /** The string value here, or null after skipping any other value. */
    private @Nullable String stringOrSkip(int depth) throws IOException {
      if (peek() != '"') {
        skipValue(depth);
        return null;
      }
      pos++;
      return stringBody(pos);
    }

    /** The string whose body starts at {@code start} (the cursor), the cursor left after it. */
    private String stringBody(int start) throws IOException {
      boolean escaped = skipStringBody();
      return escaped
          ? unescape(start, pos - 1)
          : new String(b, start, pos - 1 - start, StandardCharsets.UTF_8);
    }

    /**
     * The integer value here, saturated to the int range (a token count beyond it is nonsense, but
     * no reason to fail the stream); null after skipping a value that is not an integer.
     */
    private @Nullable Integer intOrNull() throws IOException {
      int c = peek();
      if (c != '-' && (c < '0' || c > '9')) {
        skipValue(3);
        return null;
      }
      int start = pos;
      if (!skipNumber()) {
        return null;
      }
      boolean negative = b[start] == '-';
      long value = 0;
      for (int i = negative ? start + 1 : start; i < pos && value <= Integer.MAX_VALUE; i++) {
        value = value * 10 + (b[i] - '0');
      }
      value = negative ? -value : value;
      return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, value));
    }

    /** Skips one value of any kind, checking that it is well-formed. */
    private void skipValue(int depth) throws IOException {
      if (depth > MAX_DEPTH) {
        throw fail("JSON nested deeper than " + MAX_DEPTH);
      }
      int c = peek();
      switch (c) {
        case '"' -> {
          pos++;
          skipStringBody();
        }
        case '{' -> {
          pos++;
          if (!endOfObject()) {
            do {
              fieldName();
              skipValue(depth + 1);
            } while (nextMember('}'));
          }
          pos++;
        }
        case '[' -> {
          pos++;
          if (!endOfArray()) {
            do {
              skipValue(depth + 1);
            } while (nextMember(']'));
          }
          pos++;
        }
        case 't' -> literal("true");
        case 'f' -> literal("false");
        case 'n' -> literal("null");
        default -> {
          if (c == '-' || (c >= '0' && c <= '9')) {
            skipNumber();
          } else {
            throw fail("unexpected character");
          }
        }
      }
    }

    private void literal(String word) throws IOException {
      if (end - pos < word.length()) {
        throw fail("truncated JSON");
      }
      for (int i = 0; i < word.length(); i++) {
        if (b[pos + i] != word.charAt(i)) {
          throw fail("unexpected character");
        }
      }
      pos += word.length();
      if (pos < end && isWordChar(b[pos])) {
        throw fail("unexpected character");
      }
    }

    /** Skips a JSON number (the cursor is on its first byte); true when it is an integer. */
    private boolean skipNumber() throws IOException {
      if (b[pos] == '-') {
        pos++;
      }
      int intStart = pos;
      skipDigits();
      if (pos == intStart || (b[intStart] == '0' && pos - intStart > 1)) {
        throw fail("malformed number");
      }
      boolean integer = true;
      if (pos < end && b[pos] == '.') {
        pos++;
        integer = false;
        if (skipDigits() == 0) {
          throw fail("malformed number");
        }
      }
      if (pos < end && (b[pos] == 'e' || b[pos] == 'E')) {
        pos++;
        integer = false;
        if (pos < end && (b[pos] == '+' || b[pos] == '-')) {
          pos++;
        }
        if (skipDigits() == 0) {
          throw fail("malformed number");
        }
      }
      if (pos < end && isWordChar(b[pos])) {
        throw fail("malformed number");
      }
      return integer;
    }

    private int skipDigits() {
      int start = pos;
      while (pos < end && b[pos] >= '0' && b[pos] <= '9') {
        pos++;
      }
      return pos - start;
    }

    /**
     * Skips a string's body (the cursor is just after the opening quote) up to and including the
     * closing quote; true when it contains escapes. Unescaped control characters are malformed
     * JSON.
     */
    private boolean skipStringBody() throws IOException {
      boolean escaped = false;
      while (true) {
        int stop = ByteScan.stringStop(b, pos, end);
        if (stop < 0) {
          pos = end;
          throw fail("truncated string");
        }
        byte c = b[stop];
        pos = stop + 1;
        if (c == '"') {
          return escaped;
        }
        if (c != '\\') {
          throw fail("unescaped control character in a string");
        }
        escaped = true;
        skipEscape();
      }
    }

    /**
     * Checks and skips the escape after a backslash: one of {@code "\/bfnrt}, or {@code u} and four
     * hex digits.
     */
    private void skipEscape() throws IOException {
      if (pos >= end) {
        throw fail("truncated string");
      }
      switch (b[pos++]) {
        case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> {}
        case 'u' -> {
          for (int k = 0; k < 4; k++) {
            if (pos >= end || Character.digit(b[pos++], 16) < 0) {
              throw fail("malformed \\u escape");
            }
          }
        }
        default -> throw fail("unknown escape");
      }
    }

    /** Decodes the string body {@code b[start, close)}, whose escapes were checked. */
    private String unescape(int start, int close) {
      var sb = new StringBuilder(close - start);
      int run = start;
      int i = start;
      while (i < close) {
        if (b[i] != '\\') {
          i++;
          continue;
        }
        sb.append(new String(b, run, i - run, StandardCharsets.UTF_8));
        char e = (char) b[i + 1];
        i += 2;
        switch (e) {
          case 'b' -> sb.append('\b');
          case 'f' -> sb.append('\f');
          case 'n' -> sb.append('\n');
          case 'r' -> sb.append('\r');
          case 't' -> sb.append('\t');
          case 'u' -> {
            sb.append((char) Integer.parseInt(new String(b, i, 4, StandardCharsets.US_ASCII), 16));
            i += 4;
          }
          default -> sb.append(e); // " \ /
        }
        run = i;
      }
      sb.append(new String(b, run, close - run, StandardCharsets.UTF_8));
      return sb.toString();
    }

    private static boolean isWordChar(byte c) {
      return (c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '.'
          || c == '+'
          || c == '-'
          || c == '_';
    }

    private IOException fail(String what) {
      return new IOException(what + " at byte " + Math.min(pos, end));
    }
  }
}
