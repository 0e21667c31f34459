package dev.dspy4j.streaming.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseDecoderTest {

  record Event(String type, String data) {}

  private final List<Event> events = new ArrayList<>();
  private final SseDecoder decoder =
      new SseDecoder(
          64,
          (type, data, length) ->
              events.add(new Event(type, new String(data, 0, length, StandardCharsets.UTF_8))));

  /** Feeds each piece as its own pooled buffer, releasing it afterwards (as Reactor Netty does). */
  private void feed(byte[]... pieces) {
    for (byte[] piece : pieces) {
      ByteBuf buf = ByteBufAllocator.DEFAULT.buffer(piece.length);
      try {
        buf.writeBytes(piece);
        decoder.decode(buf);
      } finally {
        buf.release();
      }
    }
  }

  private void feed(String... pieces) {
    for (String piece : pieces) {
      feed(piece.getBytes(StandardCharsets.UTF_8));
    }
  }

  @Test
  void lfCrLfAndCrLineEndsDecodeAlike() {
    feed("data: a\n\ndata: b\r\n\r\ndata: c\r\rdata: d\n\r\n");
    assertThat(events).extracting(Event::data).containsExactly("a", "b", "c", "d");
  }

  @Test
  void crAtTheEndOfOneBufferAndLfAtTheStartOfTheNextAreOneLineEnd() {
    feed("data: a\r", "\ndata: b\r", "\n\r", "\n");
    assertThat(events).containsExactly(new Event(null, "a\nb"));
  }

  @Test
  void crAloneAtTheEndOfABufferEndsTheLine() {
    feed("data: a\r", "\r");
    assertThat(events).containsExactly(new Event(null, "a"));
  }

  @Test
  void commentsAreIgnoredAndFieldsAreRead() {
    feed(": keep-alive\n\nevent: message\nid: 42\nretry: 1500\ndata: x\n\n: another\n");
    assertThat(events).containsExactly(new Event("message", "x"));
    assertThat(decoder.lastEventId()).isEqualTo("42");
    assertThat(decoder.retryMillis()).isEqualTo(1500);
  }

  @Test
  void multiLineDataIsJoinedWithLineFeeds() {
    feed("data: {\"a\":\ndata:1}\ndata\n\n");
    assertThat(events).containsExactly(new Event(null, "{\"a\":\n1}\n"));
  }

  @Test
  void onlyOneLeadingSpaceOfAValueIsRemoved() {
    feed("data:  two spaces\n\n");
    assertThat(events).containsExactly(new Event(null, " two spaces"));
  }

  @Test
  void aUtf8CharacterSplitAcrossBuffersIsDecodedWhole() {
    byte[] bytes = "data: h\u00e9llo \ud83d\ude00\n\n".getBytes(StandardCharsets.UTF_8);
    for (int split = 1; split < bytes.length; split++) {
      events.clear();
      feed(
          java.util.Arrays.copyOfRange(bytes, 0, split),
          java.util.Arrays.copyOfRange(bytes, split, bytes.length));
      assertThat(events)
          .as("split at byte %d", split)
          .containsExactly(new Event(null, "h\u00e9llo \ud83d\ude00"));
    }
  }

  @Test
  void aByteByByteFeedGivesTheSameEvents() {
    byte[] bytes =
        "data: one\r\n\r\n: c\rdata: two\rdata: three\r\r".getBytes(StandardCharsets.UTF_8);
    for (byte b : bytes) {
      feed(new byte[] {b});
    }
    assertThat(events).extracting(Event::data).containsExactly("one", "two\nthree");
  }

  @Test
  void anEventWithoutItsBlankLineIsNotDispatched() {
    feed("data: a\n\ndata: b\n");
    assertThat(events).extracting(Event::data).containsExactly("a");
    assertThat(decoder.hasIncompleteEvent()).isTrue();
  }

  @Test
  void aLeadingByteOrderMarkIsSkipped() {
    feed("\ufeffdata: a\n\n");
    assertThat(events).containsExactly(new Event(null, "a"));
  }

  @Test
  void aLineLongerThanTheLimitFailsClearly() {
    assertThatThrownBy(() -> feed("data: " + "x".repeat(100) + "\n\n"))
        .isInstanceOf(SseDecoder.LineTooLongException.class)
        .hasMessageContaining("longer than the limit of 64 bytes");
  }

  @Test
  void aLineSplitAcrossBuffersIsBoundedToo() {
    assertThatThrownBy(() -> feed("data: " + "x".repeat(40), "x".repeat(40)))
        .isInstanceOf(SseDecoder.LineTooLongException.class);
  }

  @Test
  void eventDataAccumulatedOverManyLinesIsBounded() {
    assertThatThrownBy(() -> feed("data: 0123456789012345678901234567890\n".repeat(3)))
        .isInstanceOf(SseDecoder.LineTooLongException.class)
        .hasMessageContaining("event whose data is longer");
  }
}
