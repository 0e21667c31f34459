package dev.dspy4j.examples.boot;

import dev.dspy4j.core.predict.ChainOfThought;
import dev.dspy4j.spring.webflux.SseEvents;
import java.util.Map;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;

/** The page, and each question as a ChainOfThought streamed to it as server-sent events. */
@RestController
public class QaController {

  /** The longest question accepted, so a request cannot make the server hold arbitrary text. */
  public static final int MAX_QUESTION_LENGTH = 2_000;

  private static final Resource PAGE = new ClassPathResource("dev/dspy4j/examples/web/index.html");

  private final ChainOfThought qa = ChainOfThought.of("question -> answer");

  /** The streaming page (the same page as the Reactor Netty example's). */
  @GetMapping(
      path = {"/", "/index.html"},
      produces = MediaType.TEXT_HTML_VALUE)
  public ResponseEntity<Resource> page() {
    return ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(PAGE);
  }

  /**
   * The answer's events: {@code field} chunks of reasoning and answer, then {@code done}. The
   * browser closing the stream (Stop) cancels the LM request.
   */
  @GetMapping(path = "/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  public Flux<ServerSentEvent<String>> stream(@RequestParam String question) {
    String q = question.strip();
    if (q.isEmpty() || q.length() > MAX_QUESTION_LENGTH) {
      throw new IllegalArgumentException(
          "question must have 1 to " + MAX_QUESTION_LENGTH + " characters");
    }
    return SseEvents.from(qa.stream(Map.of("question", q)));
  }
}
