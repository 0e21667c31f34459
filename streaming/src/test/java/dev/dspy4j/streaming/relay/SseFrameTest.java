package dev.dspy4j.streaming.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dspy4j.test.SseParser;
import org.junit.jupiter.api.Test;

class SseFrameTest {

  @Test
  void encodesAnEventWithIdNameAndData() {
    assertThat(SseFrame.event("field", "{\"a\":1}").withId("7").encode())
        .isEqualTo("id: 7\nevent: field\ndata: {\"a\":1}\n\n");
  }

  @Test
  void multiLineDataBecomesOneDataLinePerLineAndParsesBackUnchanged() {
    var frame = SseFrame.event("message", "one\ntwo\r\nthree\rfour");
    assertThat(frame.encode())
        .isEqualTo("event: message\ndata: one\ndata: two\ndata: three\ndata: four\n\n");
    assertThat(SseParser.parse(frame.encode()).events())
        .singleElement()
        .satisfies(e -> assertThat(e.data()).isEqualTo("one\ntwo\nthree\nfour"));
  }

  @Test
  void aCommentIsIgnoredByClients() {
    var parsed = SseParser.parse(SseFrame.KEEP_ALIVE.encode());
    assertThat(SseFrame.KEEP_ALIVE.encode()).isEqualTo(": keep-alive\n\n");
    assertThat(parsed.events()).isEmpty();
    assertThat(parsed.comments()).containsExactly("keep-alive");
  }

  @Test
  void aNameOrIdThatWouldBreakTheFramingIsRejected() {
    assertThatThrownBy(() -> SseFrame.event("bad\nname", "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("event must fit on one line");
    assertThatThrownBy(() -> SseFrame.event("field", "x").withId("1\r2"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SseFrame.comment("a\nb")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SseFrame("1", null, null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("needs data");
  }
}
