package dev.dspy4j.core.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dspy4j.core.lm.LmRequest;
import dev.dspy4j.core.lm.Message;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CacheKeyTest {

  private static final String MODEL = "gpt-4o-mini";

  private static LmRequest.Builder base() {
    return LmRequest.builder(List.of(Message.system("Be brief."), Message.user("What is 2+2?")))
        .temperature(0.0)
        .maxTokens(100);
  }

  @Test
  void identicalRequestsShareAKeyOf64HexDigits() {
    CacheKey a = CacheKey.of(MODEL, base().build());
    CacheKey b = CacheKey.of(MODEL, base().build());
    assertThat(a).isEqualTo(b);
    assertThat(a.value()).matches("[0-9a-f]{64}");
  }

  @Test
  void keyIgnoresCredentialsAndTracingHeaders() {
    CacheKey plain = CacheKey.of(MODEL, base().build());
    LmRequest traced =
        base()
            .header("Authorization", "Bearer sk-helicone-secret")
            .header("api-key", "azure-secret")
            .header("X-Api-Key", "anthropic-secret")
            .header("Helicone-Auth", "Bearer sk-helicone-secret")
            .header("Helicone-Session-Id", "3f1c9a7e-0000-4000-8000-000000000001")
            .header("Helicone-Session-Name", "Customer Support")
            .header("Helicone-Session-Path", "/support/chat")
            .header("Helicone-User-Id", "user-123")
            .header("Helicone-Property-Environment", "production")
            .header("Helicone-Request-Id", "3f1c9a7e-0000-4000-8000-000000000002")
            .header("Helicone-Cache-Enabled", "true")
            .header("x-request-id", "abc")
            .header("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
            .extraBody(Map.of("api_key", "sk-in-body"))
            .cache(false)
            .build();
    assertThat(CacheKey.of(MODEL, traced)).isEqualTo(plain);
    assertThat(CacheKey.canonicalJson(MODEL, traced))
        .doesNotContain("secret", "sk-in-body", "user-123", "production", "Bearer");
  }

  @Test
  void keyChangesWithEveryAnswerChangingParameter() {
    List<CacheKey> keys =
        List.of(
            CacheKey.of(MODEL, base().build()),
            CacheKey.of("gpt-4o", base().build()),
            CacheKey.of(MODEL, base().temperature(0.7).build()),
            CacheKey.of(MODEL, base().maxTokens(101).build()),
            CacheKey.of(MODEL, base().n(2).build()),
            CacheKey.of(MODEL, base().stop(List.of("\n")).build()),
            CacheKey.of(MODEL, base().responseFormat(Map.of("type", "json_object")).build()),
            CacheKey.of(MODEL, base().extraBody(Map.of("prompt_id", "p1")).build()),
            CacheKey.of(MODEL, base().extraBody(Map.of("prompt_id", "p2")).build()),
            CacheKey.of(MODEL, base().rolloutId("1").build()),
            CacheKey.of(MODEL, base().header("OpenAI-Beta", "assistants=v2").build()),
            CacheKey.of(MODEL, base().messages(List.of(Message.user("What is 2+3?"))).build()),
            CacheKey.of(
                MODEL, base().messages(List.of(Message.assistant("What is 2+2?"))).build()));
    assertThat(new HashSet<>(keys)).hasSameSizeAs(keys);
  }

  @Test
  void keyIgnoresMapOrderAtEveryDepthAndHeaderNameCase() {
    var inner1 = new LinkedHashMap<String, Object>();
    inner1.put("b", 2);
    inner1.put("a", 1);
    var inner2 = new LinkedHashMap<String, Object>();
    inner2.put("a", 1);
    inner2.put("b", 2);
    var body1 = new LinkedHashMap<String, Object>();
    body1.put("inputs", inner1);
    body1.put("prompt_id", "p");
    var body2 = new LinkedHashMap<String, Object>();
    body2.put("prompt_id", "p");
    body2.put("inputs", inner2);
    assertThat(CacheKey.of(MODEL, base().extraBody(body1).header("OpenAI-Beta", "x").build()))
        .isEqualTo(CacheKey.of(MODEL, base().extraBody(body2).header("openai-beta", "x").build()));
  }

  @Test
  void canonicalJsonIsSortedAndNamesTheParameters() {
    String json =
        CacheKey.canonicalJson(MODEL, base().n(1).stop(List.of("END")).rolloutId("r").build());
    assertThat(json)
        .isEqualTo(
            "{\"max_tokens\":100,\"messages\":[{\"content\":\"Be brief.\",\"role\":\"system\"},"
                + "{\"content\":\"What is 2+2?\",\"role\":\"user\"}],\"model\":\"gpt-4o-mini\",\"n\":1,"
                + "\"rollout_id\":\"r\",\"stop\":[\"END\"],\"temperature\":0.0}");
  }

  @Test
  void badInputIsRejectedWithAClearMessage() {
    assertThatThrownBy(() -> CacheKey.of(" ", base().build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("model must not be blank");
    assertThatThrownBy(
            () -> CacheKey.of(MODEL, base().extraBody(Map.of("x", new Object())).build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not JSON-serialisable");
    assertThatThrownBy(() -> new CacheKey("abc"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("64 lower-case hex digits");
  }

  @Test
  void toStringShowsOnlyAPrefix() {
    CacheKey key = CacheKey.of(MODEL, base().build());
    assertThat(key.toString()).isEqualTo("CacheKey[" + key.value().substring(0, 12) + "]");
  }
}
