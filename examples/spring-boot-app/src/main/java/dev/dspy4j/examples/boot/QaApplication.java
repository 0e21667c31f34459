package dev.dspy4j.examples.boot;

import dev.dspy4j.test.LocalGateway;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;

/**
 * A Spring Boot WebFlux application on dspy4j's starter, serving the streaming page: ask a
 * question, watch reasoning and answer stream in, Stop closes the LM request. All the dspy4j wiring
 * is the starter's (the LM from {@code application.properties}, the Helicone context filter, SSE,
 * errors): the application is {@link QaController}.
 *
 * <p>Run it with {@code java -jar
 * examples/spring-boot-app/target/dspy4j-example-spring-boot-app.jar} and open the printed URL.
 * Without {@code HELICONE_API_KEY} it answers offline from the embedded local gateway (a stand-in,
 * not a model); with it, from the Helicone AI Gateway ({@code HELICONE_BASE_URL} overrides the
 * URL).
 */
@SpringBootApplication
public class QaApplication {

  /** How long the local gateway waits per token, so that the page visibly streams. */
  static final Duration LOCAL_TOKEN_DELAY = Duration.ofMillis(40);

  /** Starts the application (and, without an API key, the local gateway it talks to). */
  public static void main(String[] args) {
    SpringApplication app = new SpringApplication(QaApplication.class);
    Map<String, Object> defaults = new LinkedHashMap<>();
    String key = System.getenv("HELICONE_API_KEY");
    if (key != null && !key.isBlank()) {
      defaults.put("dspy4j.lm.api-key", key);
      String base = System.getenv("HELICONE_BASE_URL");
      if (base != null && !base.isBlank()) defaults.put("dspy4j.lm.api-base", base);
    } else {
      LocalGateway gateway = LocalGateway.builder().tokenDelay(LOCAL_TOKEN_DELAY).start();
      System.out.println(
          "No HELICONE_API_KEY: answering from the local gateway at "
              + gateway.baseUrl()
              + " (a stand-in, not a model)");
      defaults.put("dspy4j.lm.api-base", gateway.baseUrl());
      defaults.put("dspy4j.lm.api-key", "sk-local-gateway");
      app.addListeners((ApplicationListener<ContextClosedEvent>) e -> gateway.close());
    }
    app.setDefaultProperties(defaults);
    app.addListeners(
        (ApplicationListener<WebServerInitializedEvent>)
            e ->
                System.out.println(
                    "Streaming page: http://127.0.0.1:"
                        + e.getWebServer().getPort()
                        + "/  (Ctrl-C to stop)"));
    app.run(args);
  }
}
