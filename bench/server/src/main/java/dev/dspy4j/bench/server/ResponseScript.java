package dev.dspy4j.bench.server;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One pre-encoded streaming response, built once per distinct request path and then only copied by
 * reference: the HTTP head plus first (role) event, one HTTP chunk per text delta, and the tail
 * (finish event, usage event, {@code data: [DONE]}, terminal chunk), as the Helicone gateway sends.
 *
 * <p>The path says what to send: {@code
 * /s/{kind}/{tokens}/{delayMs}/{bytesPerToken}/v1/chat/completions} where kind is {@code plain}
 * (tokens of {@code bytesPerToken} letters) or {@code cot} (a DSPy ChatAdapter reply: a reasoning
 * field of {@code tokens} words, then answer {@code 42}).
 */
record ResponseScript(
    byte[] head, List<byte[]> deltas, byte[] tail, long delayMillis, byte[] whole) {

  private static final Pattern PATH =
      Pattern.compile("^/s/(plain|cot)/(\\d{1,6})/(\\d{1,5})/(\\d{1,4})/v1/chat/completions$");
  private static final String ID = "chatcmpl-bench";
  private static final long CREATED = 1_764_000_000L;

  /** Parses a request path into a script, or returns null when the path is not a bench path. */
  static ResponseScript forPath(String path) {
    int q = path.indexOf('?');
    Matcher m = PATH.matcher(q >= 0 ? path.substring(0, q) : path);
    if (!m.matches()) {
      return null;
    }
    String kind = m.group(1);
    int tokens = Integer.parseInt(m.group(2));
    long delay = Long.parseLong(m.group(3));
    int bytesPerToken = Math.max(1, Integer.parseInt(m.group(4)));
    List<String> texts = "cot".equals(kind) ? cotTexts(tokens) : plainTexts(tokens, bytesPerToken);
    return build(texts, delay);
  }

  /** Number of text deltas a client should see for this path's script. */
  int deltaCount() {
    return deltas.size();
  }

  static List<String> plainTexts(int tokens, int bytesPerToken) {
    List<String> out = new ArrayList<>(tokens);
    for (int i = 0; i < tokens; i++) {
      StringBuilder sb = new StringBuilder(bytesPerToken);
      sb.append(' ');
      for (int j = 1; j < bytesPerToken; j++) {
        sb.append((char) ('a' + (i + j) % 26));
      }
      out.add(sb.toString());
    }
    return out;
  }

  /**
   * A ChatAdapter-format reply whose reasoning has {@code words} deltas; {@code words + 4} deltas
   * in all.
   */
  static List<String> cotTexts(int words) {
    List<String> out = new ArrayList<>(words + 4);
    out.add("[[ ## reasoning ## ]]\n");
    for (int i = 0; i < words; i++) {
      out.add(i == 0 ? "step" : " step");
    }
    out.add("\n\n[[ ## answer ## ]]\n");
    out.add("42");
    out.add("\n\n[[ ## completed ## ]]");
    return out;
  }

  static ResponseScript build(List<String> texts, long delay) {
    String headers =
        "HTTP/1.1 200 OK\r\n"
            + "content-type: text/event-stream; charset=utf-8\r\n"
            + "cache-control: no-cache\r\n"
            + "transfer-encoding: chunked\r\n"
            + "helicone-id: 00000000-0000-0000-0000-000000000000\r\n"
            + "\r\n";
    byte[] head =
        concat(
            ascii(headers),
            chunk(
                event(
                    "{\"id\":\""
                        + ID
                        + "\",\"object\":\"chat.completion.chunk\",\"created\":"
                        + CREATED
                        + ",\"model\":\"bench-model\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},"
                        + "\"logprobs\":null,\"finish_reason\":null}]}")));
    List<byte[]> deltas = new ArrayList<>(texts.size());
    for (String t : texts) {
      deltas.add(
          chunk(
              event(
                  "{\"id\":\""
                      + ID
                      + "\",\"object\":\"chat.completion.chunk\",\"created\":"
                      + CREATED
                      + ",\"model\":\"bench-model\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\""
                      + json(t)
                      + "\"},"
                      + "\"logprobs\":null,\"finish_reason\":null}]}")));
    }
    int prompt = 12;
    int completion = texts.size();
    byte[] tail =
        concat(
            chunk(
                event(
                    "{\"id\":\""
                        + ID
                        + "\",\"object\":\"chat.completion.chunk\",\"created\":"
                        + CREATED
                        + ",\"model\":\"bench-model\",\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}]}")),
            chunk(
                event(
                    "{\"id\":\""
                        + ID
                        + "\",\"object\":\"chat.completion.chunk\",\"created\":"
                        + CREATED
                        + ",\"model\":\"bench-model\",\"choices\":[],\"usage\":{\"prompt_tokens\":"
                        + prompt
                        + ",\"completion_tokens\":"
                        + completion
                        + ",\"total_tokens\":"
                        + (prompt + completion)
                        + "}}")),
            chunk(ascii("data: [DONE]\n\n")),
            ascii("0\r\n\r\n"));
    byte[] whole = head;
    for (byte[] d : deltas) {
      whole = concat(whole, d);
    }
    whole = concat(whole, tail);
    return new ResponseScript(head, List.copyOf(deltas), tail, delay, whole);
  }

  private static byte[] event(String json) {
    return ascii("data: " + json + "\n\n");
  }

  private static byte[] chunk(byte[] data) {
    return concat(ascii(Integer.toHexString(data.length) + "\r\n"), data, ascii("\r\n"));
  }

  private static String json(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int o = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, o, p.length);
      o += p.length;
    }
    return out;
  }
}
