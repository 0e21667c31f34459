package dev.dspy4j.streaming.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.core.lm.LmChunk;
import dev.dspy4j.core.lm.ToolCallDelta;
import dev.dspy4j.core.lm.Usage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

/**
 * The hand-written chunk reader against a reference built on Jackson's tree model: on realistic
 * payloads, on seeded random payloads and on seeded random corruptions of them, both must give the
 * same chunks, or both must reject the payload.
 */
class ChunkParserTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final ChunkParser parser = new ChunkParser();

  /** What a payload gives: the chunks and kind, or "error". */
  private record Outcome(String kind, List<LmChunk> chunks) {
    static final Outcome MALFORMED = new Outcome("malformed", List.of());
  }

  private Outcome ours(String json) {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    var out = new ArrayList<LmChunk>();
    try {
      return new Outcome(parser.parse(bytes, bytes.length, out).name(), out);
    } catch (IOException e) {
      return Outcome.MALFORMED;
    }
  }

  /**
   * The reference: the same rules, read from Jackson's tree (last duplicate key wins there too).
   */
  private static Outcome reference(String json) {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (IOException e) {
      return Outcome.MALFORMED;
    }
    if (root == null || !root.isObject()) {
      return Outcome.MALFORMED;
    }
    {
      if (root.has("error") && !root.get("error").isNull()) {
        return new Outcome("ERROR", List.of());
      }
      var out = new ArrayList<LmChunk>();
      JsonNode choices = root.get("choices");
      if (choices != null && choices.isArray()) {
        for (JsonNode choice : choices) {
          if (!choice.isObject()) {
            continue;
          }
          int index = Math.max(0, intOr(choice.get("index"), 0));
          String finish = textOrNull(choice.get("finish_reason"));
          String text = "";
          String reasoning = null;
          var toolCalls = new ArrayList<ToolCallDelta>();
          JsonNode delta =
              choice.get("delta") != null && choice.get("message") != null
                  ? lastOf(json, choice, "delta", "message")
                  : choice.get("delta") != null ? choice.get("delta") : choice.get("message");
          if (delta != null && delta.isObject()) {
            String content = textOrNull(delta.get("content"));
            text = content == null ? "" : content;
            String r1 = textOrNull(delta.get("reasoning"));
            String r2 = textOrNull(delta.get("reasoning_content"));
            reasoning =
                r1 != null && r2 != null
                    ? (json.lastIndexOf("\"reasoning_content\"") > json.lastIndexOf("\"reasoning\"")
                        ? r2
                        : r1)
                    : r1 != null ? r1 : r2;
            JsonNode calls = delta.get("tool_calls");
            if (calls != null && calls.isArray()) {
              int position = 0;
              for (JsonNode call : calls) {
                if (call.isObject()) {
                  JsonNode i = call.get("index");
                  JsonNode function = call.get("function");
                  boolean fn = function != null && function.isObject();
                  String args = fn ? textOrNull(function.get("arguments")) : null;
                  toolCalls.add(
                      new ToolCallDelta(
                          i != null && i.isIntegralNumber() ? Math.max(0, intOr(i, 0)) : position,
                          textOrNull(call.get("id")),
                          fn ? textOrNull(function.get("name")) : null,
                          args == null ? "" : args));
                }
                position++;
              }
            }
          }
          if (!text.isEmpty() || reasoning != null || finish != null || !toolCalls.isEmpty()) {
            out.add(LmChunk.of(index, text, reasoning, finish, null, toolCalls));
          }
        }
      }
      JsonNode usage = root.get("usage");
      if (usage != null && usage.isObject()) {
        int prompt = Math.max(0, intOr(usage.get("prompt_tokens"), 0));
        int completion = Math.max(0, intOr(usage.get("completion_tokens"), 0));
        int total =
            usage.has("total_tokens") && usage.get("total_tokens").isIntegralNumber()
                ? Math.max(0, intOr(usage.get("total_tokens"), 0))
                : (int) Math.min(Integer.MAX_VALUE, (long) prompt + completion);
        Usage u = new Usage(prompt, completion, total);
        if (out.isEmpty()) {
          out.add(LmChunk.ofUsage(u));
        } else {
          out.set(0, out.get(0).withUsage(u));
        }
      }
      return new Outcome("CHUNKS", out);
    }
  }

  private static JsonNode lastOf(String json, JsonNode choice, String a, String b) {
    // Only used by generated payloads that carry both; the generator never does, see randomChoice.
    throw new AssertionError("generator produced both " + a + " and " + b);
  }

  /** An integral number saturated to the int range; {@code otherwise} for anything else. */
  private static int intOr(JsonNode node, int otherwise) {
    if (node == null || !node.isIntegralNumber()) {
      return otherwise;
    }
    var v = node.bigIntegerValue();
    return v.max(java.math.BigInteger.valueOf(Integer.MIN_VALUE))
        .min(java.math.BigInteger.valueOf(Integer.MAX_VALUE))
        .intValue();
  }

  private static String textOrNull(JsonNode node) {
    return node != null && node.isTextual() ? node.textValue() : null;
  }

  private void assertSame(String json) {
    assertThat(ours(json)).as(json).isEqualTo(reference(json));
  }

  @Test
  void realisticPayloadsGiveTheSameChunksAsTheReference() {
    List<String> payloads =
        List.of(
            "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"gpt-4o-mini\","
                + "\"system_fingerprint\":null,\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},"
                + "\"logprobs\":null,\"finish_reason\":null}]}",
            "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"},\"finish_reason\":null}]}",
            "{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}",
            "{\"choices\":[],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":2,\"total_tokens\":12,"
                + "\"prompt_tokens_details\":{\"cached_tokens\":0}}}",
            "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"},\"finish_reason\":\"length\"}],"
                + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1}}",
            "{\"choices\":[{\"index\":0,\"delta\":{\"reasoning_content\":\"think \\\"hard\\\"\"}}]}",
            "{\"choices\":[{\"index\":0,\"delta\":{\"reasoning\":\"r\",\"content\":null}}]}",
            "{\"choices\":[{\"index\":1,\"delta\":{\"content\":\"b\"}},{\"index\":0,\"delta\":{\"content\":\"a\"}}]}",
            "{\"choices\":[{\"index\":0,\"message\":{\"content\":\"whole\"},\"finish_reason\":\"stop\"}]}",
            "{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}",
            "{\"error\":null,\"choices\":[{\"delta\":{\"content\":\"ok\"}}]}",
            "{\"choices\":[{\"delta\":{\"content\":\"caf\\u00e9 \\ud83d\\ude00 \\n\\t\\\\ \\/\"}}]}",
            "{\"choices\":[{\"delta\":{\"content\":\"café 😀 日本\"}}]}",
            " \r\n\t{ \"choices\" : [ { \"delta\" : { \"content\" : \"spaced\" } } ] } ",
            "{\"choices\":[{\"index\":2.5,\"delta\":{\"content\":\"float index\"}}]}",
            "{\"choices\":[{\"index\":-3,\"delta\":{\"content\":\"negative index\"}}]}",
            "{\"choices\":[1,\"two\",null,{\"delta\":{\"content\":\"after non-objects\"}}]}",
            "{\"choices\":{\"not\":\"an array\"}}",
            "{\"choices\":[{\"delta\":{\"content\":\"first\"}}],\"choices\":[{\"delta\":{\"content\":\"second\"}}]}",
            "{\"usage\":null}",
            "{\"usage\":{\"prompt_tokens\":1e3,\"completion_tokens\":-4,\"extra\":[1,{\"a\":[]}]}}",
            "{}",
            "{\"choices\":[{\"index\":99999999999,\"delta\":{\"content\":\"too big\"}}]}",
            "{\"choices\":[],\"usage\":{\"prompt_tokens\":123456789012345678901234567890,\"completion_tokens\":-99999999999}}",
            "{\"choices\":[{\"index\":-2147483648,\"delta\":{\"content\":\"min int\"}}]}",
            "{\"x\":{\"deep\":[[[[{\"y\":[true,false,null,0,-0.5e-7]}]]]]},\"choices\":[{\"delta\":{\"content\":\"z\"}}]}",
            // native function calling: OpenAI's first tool-call delta, argument pieces, parallel
            // calls, oddities
            "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"index\":0,"
                + "\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"search\",\"arguments\":\"\"}}]},\"finish_reason\":null}]}",
            "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"qu\"}}]}}]}",
            "{\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":1,\"function\":{\"arguments\":\"caf\\u00e9 \\\"\"}},"
                + "{\"index\":0,\"id\":\"a\",\"function\":{\"name\":\"f\"}}]}}]}",
            "{\"choices\":[{\"message\":{\"content\":null,\"tool_calls\":[{\"id\":\"x\",\"function\":{\"name\":\"g\",\"arguments\":\"{}\"}},"
                + "{\"id\":\"y\",\"function\":{\"name\":\"h\",\"arguments\":\"{\\\"a\\\":1}\"}}]},\"finish_reason\":\"tool_calls\"}]}",
            "{\"choices\":[{\"delta\":{\"tool_calls\":null}}]}",
            "{\"choices\":[{\"delta\":{\"tool_calls\":[]}}]}",
            "{\"choices\":[{\"delta\":{\"tool_calls\":[1,null,{\"index\":\"two\",\"function\":null},{\"index\":-1,\"function\":{\"arguments\":{\"o\":1}}}]}}]}",
            "{\"choices\":[{\"delta\":{\"tool_calls\":[{\"function\":{\"name\":\"a\"},\"function\":{\"arguments\":\"b\"}}],"
                + "\"tool_calls\":[{\"function\":{\"name\":\"last\"}}]}}],"
                + "\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2}}");
    for (String json : payloads) {
      assertSame(json);
    }
    assertThat(ours(payloads.get(1)).chunks()).containsExactly(LmChunk.ofText("Hel"));
    assertThat(ours(payloads.get(11)).chunks().get(0).text()).isEqualTo("café 😀 \n\t\\ /");
    assertThat(ours(payloads.get(26)).chunks().get(0).toolCallDeltas())
        .containsExactly(new ToolCallDelta(0, "call_1", "search", ""));
    assertThat(ours(payloads.get(27)).chunks().get(0).toolCallDeltas())
        .containsExactly(new ToolCallDelta(0, null, null, "{\"qu"));
    assertThat(ours(payloads.get(28)).chunks().get(0).toolCallDeltas())
        .containsExactly(
            new ToolCallDelta(1, null, null, "café \""), new ToolCallDelta(0, "a", "f", ""));
    assertThat(ours(payloads.get(29)).chunks().get(0).toolCallDeltas())
        .extracting(ToolCallDelta::index)
        .containsExactly(0, 1);
    assertThat(ours(payloads.get(30)).chunks()).isEmpty();
    assertThat(ours(payloads.get(33)).chunks().get(0).toolCallDeltas())
        .containsExactly(new ToolCallDelta(0, null, "last", ""));
    assertThat(ours(payloads.get(33)).chunks().get(0).usage()).contains(new Usage(1, 2, 3));
  }

  @Test
  void malformedPayloadsAreRejected() {
    List<String> malformed =
        List.of(
            "",
            "   ",
            "not json at all",
            "[1,2]",
            "\"s\"",
            "{",
            "{\"a\"",
            "{\"a\":}",
            "{\"a\":1,}",
            "{\"a\" 1}",
            "{a:1}",
            "{\"a\":01}",
            "{\"a\":1.}",
            "{\"a\":-}",
            "{\"a\":tru}",
            "{\"a\":nulls}",
            "{\"a\":\"unterminated}",
            "{\"a\":\"bad \\x escape\"}",
            "{\"a\":\"raw \n newline\"}",
            "{\"a\":[1 2]}",
            "{\"choices\":[{\"delta\":{\"content\":\"x\"}}",
            "{\"a\":NaN}",
            "{\"a\":'single'}",
            "{\"choices\":[{\"delta\":{\"content\":\"\\u12\"}}]}");
    for (String json : malformed) {
      assertThat(ours(json)).as(json).isEqualTo(Outcome.MALFORMED);
      assertThat(reference(json)).as("reference: " + json).isEqualTo(Outcome.MALFORMED);
    }
  }

  @Test
  void nestingBeyondTheLimitIsRejectedWithoutOverflowingTheStack() {
    String deep = "{\"a\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}";
    byte[] bytes = deep.getBytes(StandardCharsets.US_ASCII);
    assertThatThrownBy(() -> parser.parse(bytes, bytes.length, new ArrayList<>()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("nested deeper");
  }

  @Test
  void onlyTheGivenLengthIsRead() throws IOException {
    byte[] bytes =
        "{\"choices\":[{\"delta\":{\"content\":\"a\"}}]}GARBAGE-BEYOND-LENGTH"
            .getBytes(StandardCharsets.US_ASCII);
    var out = new ArrayList<LmChunk>();
    parser.parse(bytes, bytes.length - "GARBAGE-BEYOND-LENGTH".length(), out);
    assertThat(out).containsExactly(LmChunk.ofText("a"));
    assertThatThrownBy(() -> parser.parse(bytes, 20, new ArrayList<>()))
        .isInstanceOf(IOException.class);
  }

  @RepeatedTest(300)
  void randomPayloadsAndTheirCorruptionsAgreeWithTheReference(RepetitionInfo info) {
    var random = new Random(7_000L + info.getCurrentRepetition());
    String json = randomPayload(random);
    assertSame(json);
    for (int i = 0; i < 20; i++) {
      assertSame(corrupt(json, random));
    }
  }

  private Outcome oursThrough(ChunkTemplate template, String json) {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    var out = new ArrayList<LmChunk>();
    try {
      ChunkParser.Kind kind = parser.parse(bytes, bytes.length, out, template);
      if (kind == ChunkParser.Kind.TEXT) {
        // Read through the template: at most one plain text chunk, as the full parse would give.
        assertThat(out).hasSizeLessThanOrEqualTo(1);
        out.forEach(
            c -> {
              assertThat(c.finishReason()).isEmpty();
              assertThat(c.usage()).isEmpty();
              assertThat(c.reasoning()).isEmpty();
              assertThat(c.toolCallDeltas()).isEmpty();
            });
        return new Outcome(ChunkParser.Kind.CHUNKS.name(), out);
      }
      return new Outcome(kind.name(), out);
    } catch (IOException e) {
      return Outcome.MALFORMED;
    }
  }

  /** A plain text delta as servers send one per token, with this text (a JSON string literal). */
  private static String plainEvent(String id, int index, String text) {
    return "{\"id\":\""
        + id
        + "\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"m\","
        + "\"choices\":[{\"index\":"
        + index
        + ",\"delta\":{\"content\":"
        + text
        + "},\"logprobs\":null,\"finish_reason\":null}]}";
  }

  @Test
  void aPlainTextEventTeachesTheTemplateTheShapeOfTheNext() {
    var template = new ChunkTemplate();
    String first = plainEvent("c-1", 0, "\"Hel\"");
    String next = plainEvent("c-1", 0, "\"lo \\n\"");
    byte[] nextBytes = next.getBytes(StandardCharsets.UTF_8);
    assertThat(template.textStart(nextBytes, nextBytes.length)).isEqualTo(-1);

    assertThat(oursThrough(template, first).chunks()).containsExactly(LmChunk.ofText("Hel"));

    assertThat(template.textStart(nextBytes, nextBytes.length))
        .isEqualTo(next.indexOf("\"content\":\"") + "\"content\":\"".length());
    assertThat(oursThrough(template, next).chunks()).containsExactly(LmChunk.ofText("lo \n"));
    // Events that carry more than text teach nothing.
    var untaught = new ChunkTemplate();
    oursThrough(
        untaught, "{\"choices\":[{\"delta\":{\"content\":\"x\"},\"finish_reason\":\"stop\"}]}");
    oursThrough(untaught, "{\"choices\":[{\"delta\":{\"content\":\"\"}}]}");
    oursThrough(untaught, "{\"choices\":[{\"delta\":{\"reasoning\":\"r\",\"content\":\"x\"}}]}");
    oursThrough(
        untaught,
        "{\"choices\":[{\"delta\":{\"content\":\"x\"}}],\"usage\":{\"prompt_tokens\":1}}");
    oursThrough(
        untaught,
        "{\"choices\":[{\"delta\":{\"content\":\"a\"}},{\"index\":1,\"delta\":{\"content\":\"b\"}}]}");
    assertThat(template.textStart(nextBytes, nextBytes.length)).isPositive();
    assertThat(untaught.textStart(nextBytes, nextBytes.length)).isEqualTo(-1);
  }

  /**
   * Reading through a template gives exactly what the full parse gives, for the next events of the
   * same shape (any text, escapes included), for their corruptions and for other payloads.
   */
  @RepeatedTest(300)
  void payloadsReadThroughATemplateAgreeWithTheFullParse(RepetitionInfo info) {
    var random = new Random(11_000L + info.getCurrentRepetition());
    var template = new ChunkTemplate();
    String id = "c-" + random.nextInt(1000);
    int index = random.nextInt(3);
    for (int i = 0; i < 40; i++) {
      String plain = plainEvent(id, index, randomString(random));
      String json =
          switch (random.nextInt(6)) {
            case 0, 1, 2 -> plain;
            case 3 -> corrupt(plain, random);
            case 4 -> plainEvent(id, random.nextInt(3), randomString(random));
            default -> randomPayload(random);
          };
      assertThat(oursThrough(template, json)).as(json).isEqualTo(ours(json));
    }
  }

  // ---- generators
  // --------------------------------------------------------------------------------

  private static final String[] ASCII_NOISE = {
    "{", "}", "[", "]", ",", ":", "\"", "\\", "0", "-", ".", "e", "n", "t", " ", "x"
  };

  /**
   * {@code json} with one ASCII edit (deleted, inserted or replaced byte), so UTF-8 stays valid.
   */
  private static String corrupt(String json, Random random) {
    int at = random.nextInt(json.length() + 1);
    // keep surrogate pairs whole
    if (at > 0 && at < json.length() && Character.isLowSurrogate(json.charAt(at))) {
      at--;
    }
    String noise = ASCII_NOISE[random.nextInt(ASCII_NOISE.length)];
    return switch (random.nextInt(3)) {
      case 0 ->
          at < json.length()
              ? json.substring(0, at)
                  + json.substring(at + Character.charCount(json.codePointAt(at)))
              : json;
      case 1 -> json.substring(0, at) + noise + json.substring(at);
      default ->
          at < json.length()
              ? json.substring(0, at)
                  + noise
                  + json.substring(at + Character.charCount(json.codePointAt(at)))
              : json + noise;
    };
  }

  private static String randomPayload(Random r) {
    var fields = new ArrayList<String>();
    if (r.nextBoolean()) {
      fields.add("\"id\":" + randomString(r));
    }
    if (r.nextBoolean()) {
      fields.add("\"created\":" + randomNumber(r));
    }
    if (r.nextInt(4) > 0) {
      var choices = new ArrayList<String>();
      int n = r.nextInt(3);
      for (int i = 0; i < n; i++) {
        choices.add(r.nextInt(8) == 0 ? randomValue(r, 2) : randomChoice(r));
      }
      fields.add("\"choices\":[" + String.join(",", choices) + "]");
    }
    if (r.nextInt(3) == 0) {
      fields.add(
          "\"usage\":"
              + (r.nextInt(5) == 0
                  ? "null"
                  : "{\"prompt_tokens\":"
                      + randomNumber(r)
                      + ",\"completion_tokens\":"
                      + randomNumber(r)
                      + (r.nextBoolean() ? ",\"total_tokens\":" + randomNumber(r) : "")
                      + (r.nextBoolean() ? ",\"details\":" + randomValue(r, 2) : "")
                      + "}"));
    }
    if (r.nextInt(8) == 0) {
      fields.add("\"error\":" + (r.nextBoolean() ? "null" : randomValue(r, 2)));
    }
    if (r.nextInt(3) == 0) {
      fields.add("\"extra\":" + randomValue(r, 3));
    }
    java.util.Collections.shuffle(fields, r);
    return ws(r) + "{" + ws(r) + String.join(ws(r) + "," + ws(r), fields) + ws(r) + "}" + ws(r);
  }

  private static String randomChoice(Random r) {
    var fields = new ArrayList<String>();
    if (r.nextBoolean()) {
      fields.add(
          "\"index\":" + (r.nextInt(5) == 0 ? randomValue(r, 1) : Integer.toString(r.nextInt(3))));
    }
    if (r.nextBoolean()) {
      fields.add("\"finish_reason\":" + (r.nextBoolean() ? "null" : randomString(r)));
    }
    var delta = new ArrayList<String>();
    if (r.nextBoolean()) {
      delta.add("\"role\":\"assistant\"");
    }
    if (r.nextInt(4) > 0) {
      delta.add("\"content\":" + (r.nextInt(6) == 0 ? randomValue(r, 1) : randomString(r)));
    }
    if (r.nextInt(4) == 0) {
      delta.add((r.nextBoolean() ? "\"reasoning\":" : "\"reasoning_content\":") + randomString(r));
    }
    if (r.nextInt(3) == 0) {
      delta.add("\"tool_calls\":" + (r.nextInt(8) == 0 ? randomValue(r, 2) : randomToolCalls(r)));
    }
    java.util.Collections.shuffle(delta, r);
    fields.add(
        (r.nextBoolean() ? "\"delta\":" : "\"message\":")
            + (r.nextInt(10) == 0 ? randomValue(r, 1) : "{" + String.join(",", delta) + "}"));
    if (r.nextBoolean()) {
      fields.add("\"logprobs\":" + randomValue(r, 2));
    }
    java.util.Collections.shuffle(fields, r);
    return "{" + String.join(",", fields) + "}";
  }

  private static String randomToolCalls(Random r) {
    var calls = new ArrayList<String>();
    for (int i = r.nextInt(3); i > 0; i--) {
      if (r.nextInt(8) == 0) {
        calls.add(randomValue(r, 1));
        continue;
      }
      var fields = new ArrayList<String>();
      if (r.nextInt(4) > 0) {
        fields.add(
            "\"index\":"
                + (r.nextInt(6) == 0 ? randomValue(r, 1) : Integer.toString(r.nextInt(3))));
      }
      if (r.nextBoolean()) {
        fields.add("\"id\":" + (r.nextInt(6) == 0 ? randomValue(r, 1) : randomString(r)));
      }
      if (r.nextBoolean()) {
        fields.add("\"type\":\"function\"");
      }
      if (r.nextInt(5) > 0) {
        var function = new ArrayList<String>();
        if (r.nextBoolean()) {
          function.add("\"name\":" + (r.nextInt(6) == 0 ? randomValue(r, 1) : randomString(r)));
        }
        if (r.nextInt(4) > 0) {
          function.add(
              "\"arguments\":" + (r.nextInt(6) == 0 ? randomValue(r, 2) : randomString(r)));
        }
        java.util.Collections.shuffle(function, r);
        fields.add(
            "\"function\":"
                + (r.nextInt(10) == 0
                    ? randomValue(r, 1)
                    : "{" + String.join(",", function) + "}"));
      }
      java.util.Collections.shuffle(fields, r);
      calls.add("{" + String.join(",", fields) + "}");
    }
    return "[" + String.join(",", calls) + "]";
  }

  private static String randomValue(Random r, int depth) {
    int kind = r.nextInt(depth <= 0 ? 4 : 6);
    return switch (kind) {
      case 0 -> randomString(r);
      case 1 -> randomNumber(r);
      case 2 -> List.of("true", "false", "null").get(r.nextInt(3));
      case 3 -> "\"\"";
      case 4 -> {
        var items = new ArrayList<String>();
        for (int i = r.nextInt(3); i > 0; i--) {
          items.add(randomValue(r, depth - 1));
        }
        yield "[" + String.join(ws(r) + "," + ws(r), items) + "]";
      }
      default -> {
        var items = new ArrayList<String>();
        for (int i = r.nextInt(3); i > 0; i--) {
          items.add("\"k" + i + "\"" + ws(r) + ":" + ws(r) + randomValue(r, depth - 1));
        }
        yield "{" + String.join(",", items) + "}";
      }
    };
  }

  private static String randomNumber(Random r) {
    return switch (r.nextInt(6)) {
      case 0 -> Integer.toString(r.nextInt(1000));
      case 1 -> Integer.toString(-r.nextInt(1000));
      case 2 -> Long.toString(r.nextLong());
      case 3 -> r.nextInt(100) + "." + r.nextInt(100);
      case 4 -> r.nextInt(10) + "e" + (r.nextBoolean() ? "-" : "+") + r.nextInt(20);
      default -> "0";
    };
  }

  private static final String[] PIECES = {
    "a",
    "Z",
    " ",
    "tok",
    "é",
    "日本",
    "😀",
    "\\n",
    "\\\"",
    "\\\\",
    "\\/",
    "\\t",
    "\\u00e9",
    "\\ud83d\\ude00",
    "\\u0000",
    "[[ ## answer ## ]]",
    "{",
    "}",
    ":",
    ","
  };

  private static String randomString(Random r) {
    var sb = new StringBuilder("\"");
    for (int i = r.nextInt(5); i > 0; i--) {
      sb.append(PIECES[r.nextInt(PIECES.length)]);
    }
    return sb.append('"').toString();
  }

  private static String ws(Random r) {
    return r.nextInt(4) == 0 ? List.of(" ", "\n", "\t", "\r\n ").get(r.nextInt(4)) : "";
  }
}
