package dev.dspy4j.examples.programs;

import dev.dspy4j.core.Dspy;
import dev.dspy4j.core.helicone.Helicone;
import dev.dspy4j.core.predict.ChainOfThought;
import dev.dspy4j.examples.Example;
import dev.dspy4j.examples.ExampleRuntime;
import dev.dspy4j.streaming.LM;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import reactor.core.publisher.Flux;

/**
 * The page's "Session Tracking for Multi-Turn Conversations": three turns in one session. The page
 * puts the session headers on the LM ({@code extra_headers}); here they travel in the Reactor
 * Context of the conversation's pipeline, so one LM can serve many concurrent sessions. The gateway
 * receives exactly the page's three headers on every turn. ({@code Helicone.newSession(name, path)}
 * draws a fresh UUID per subscription instead.)
 */
public final class Sessions implements Example {

  @Override
  public String name() {
    return "sessions";
  }

  @Override
  public String summary() {
    return "three questions in one Helicone session \"Customer Support\" at /support/chat";
  }

  @Override
  public int run(ExampleRuntime runtime) {
    LM lm = LM.builder(runtime.model()).apiKey(runtime.apiKey()).apiBase(runtime.apiBase()).build();
    Dspy.configure(lm);
    String sessionId = UUID.randomUUID().toString();
    ChainOfThought qa = ChainOfThought.of("question -> answer");

    // All calls in this session are grouped together; concatMap keeps the turns in order.
    Flux.fromIterable(
            List.of(
                "What is your return policy?",
                "How long does shipping take?",
                "Do you ship internationally?"))
        .concatMap(q -> qa.call(Map.of("question", q)).map(p -> q + " -> " + p.get("answer")))
        .contextWrite(Helicone.session(sessionId, "Customer Support", "/support/chat"))
        .doOnNext(runtime.out()::println)
        .blockLast();
    if (runtime.localGateway().isPresent()) {
      runtime
          .out()
          .println(
              "Session "
                  + sessionId
                  + ": the local gateway received its three requests with these"
                  + " session headers (set HELICONE_API_KEY to see the conversation in Helicone's Sessions view)");
    } else {
      runtime
          .out()
          .println("Session " + sessionId + ": view the conversation in Helicone's Sessions view");
    }
    return 0;
  }
}
