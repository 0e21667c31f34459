package dev.dspy4j.test;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.test.SseParser.Event;
import org.junit.jupiter.api.Test;

/** The test parser itself follows the specification's examples, so relay tests can trust it. */
class SseParserTest {

  @Test
  void parsesTheSpecificationsExamples() {
    var parsed =
        SseParser.parse(
            ": test stream\n\ndata: first event\nid: 1\n\ndata:second event\nid\n\ndata:  third event\n\n"
                + "data\n\ndata\ndata\n\ndata:\n\nevent: add\r\ndata: 73857293\r\n\rdata: unterminated");
    assertThat(parsed.comments()).containsExactly("test stream");
    assertThat(parsed.events())
        .containsExactly(
            new Event("message", "first event", "1"),
            new Event("message", "second event", ""),
            new Event("message", " third event", ""),
            new Event("message", "", ""),
            new Event("message", "\n", ""),
            new Event("message", "", ""),
            new Event("add", "73857293", ""));
  }
}
