package dev.dspy4j.core.helicone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.core.http.Headers;
import java.util.Map;
import org.junit.jupiter.api.Test;
import reactor.util.context.Context;

/**
 * A child path (withSessionPath) outside any session is not sent: Helicone has no session to put it
 * in.
 */
class SessionPathWithoutSessionTest {

  private static final String ID = "7f1c6d2e-3b1a-4f5e-9c8d-0a1b2c3d4e5f";

  private static Map<String, String> sent(
      Context context, Map<String, String> lmHeaders, HeliconeHeaders lmHelicone) {
    return Helicone.requestHeaders(Headers.of(lmHeaders), lmHelicone, context, Headers.empty())
        .asMap();
  }

  @Test
  void aChildPathWithoutASessionIsNotSent() {
    Context context =
        Helicone.childPath("retrieve").apply(Helicone.user("user-123").apply(Context.empty()));

    assertThat(sent(context, Map.of(), HeliconeHeaders.empty()))
        .containsEntry("Helicone-User-Id", "user-123")
        .doesNotContainKey("Helicone-Session-Path");
  }

  @Test
  void aChildPathUnderAContextSessionIsSent() {
    Context context =
        Helicone.childPath("retrieve")
            .apply(Helicone.session(ID, "Support", "/support/chat").apply(Context.empty()));

    assertThat(sent(context, Map.of(), HeliconeHeaders.empty()))
        .containsEntry("Helicone-Session-Id", ID)
        .containsEntry("Helicone-Session-Path", "/support/chat/retrieve");
  }

  @Test
  void aSessionIdFromTheLmDefaultsCountsToo() {
    Context context = Helicone.childPath("answer").apply(Context.empty());

    assertThat(sent(context, Map.of("Helicone-Session-Id", ID), HeliconeHeaders.empty()))
        .containsEntry("Helicone-Session-Path", "/answer");
    assertThat(sent(context, Map.of(), HeliconeHeaders.builder().sessionId(ID).build()))
        .containsEntry("Helicone-Session-Path", "/answer");
  }

  @Test
  void anExplicitPathWithoutASessionIsTheCallersChoiceAndStaysAsWritten() {
    assertThat(
            sent(
                Context.empty(),
                Map.of("Helicone-Session-Path", "/explicit"),
                HeliconeHeaders.empty()))
        .containsEntry("Helicone-Session-Path", "/explicit");
  }
}
