package dev.dspy4j.examples.programs;

import dev.dspy4j.core.Dspy;
import dev.dspy4j.core.predict.ChainOfThought;
import dev.dspy4j.examples.Example;
import dev.dspy4j.examples.ExampleRuntime;
import dev.dspy4j.examples.web.StreamingWebServer;
import dev.dspy4j.streaming.LM;
import java.time.Duration;
import java.util.Map;

/**
 * Serves the streaming page (ask a question, watch reasoning and answer stream, Stop cancels), the
 * AI SDK chat page and endpoint, and the DSPy {@code streaming_response} endpoint, all answered by
 * one ChainOfThought.
 */
public final class Web implements Example {

  @Override
  public String name() {
    return "web";
  }

  @Override
  public String summary() {
    return "serve the streaming page on localhost and print its URL (Ctrl-C to stop)";
  }

  @Override
  public Duration localTokenDelay() {
    return Duration.ofMillis(40); // so that the local gateway's tokens visibly trickle in
  }

  @Override
  public int run(ExampleRuntime runtime) {
    try (var server = serve(runtime)) {
      runtime.out().println("Streaming page: " + server.url() + "  (Ctrl-C to stop)");
      runtime
          .out()
          .println(
              "AI SDK chat page: "
                  + server.url()
                  + "chat  (endpoint POST "
                  + server.url()
                  + "api/chat)");
      runtime
          .out()
          .println("DSPy streaming_response: " + server.url() + "dspy/stream?question=...");
      server.onClose().block();
    }
    return 0;
  }

  /**
   * Starts the page's server: each question is a ChainOfThought streamed through the LM of {@code
   * runtime}; closing the browser's stream (Stop) cancels the module's stream and so the LM
   * request.
   */
  public static StreamingWebServer serve(ExampleRuntime runtime) {
    LM lm =
        LM.builder(runtime.model())
            .apiKey(runtime.apiKey())
            .apiBase(runtime.apiBase())
            // Every question streams from the LM: a repeated question would otherwise come back
            // from
            // the client cache as one piece, with no request for Stop to close.
            .cache(false)
            .build();
    Dspy.configure(lm);
    ChainOfThought qa = ChainOfThought.of("question -> answer");

    return StreamingWebServer.start(question -> qa.stream(Map.of("question", question)));
  }
}
