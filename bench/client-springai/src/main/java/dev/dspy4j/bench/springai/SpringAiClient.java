package dev.dspy4j.bench.springai;

import com.openai.client.OpenAIClientAsyncImpl;
import com.openai.core.ClientOptions;
import dev.dspy4j.bench.harness.ClientConfig;
import dev.dspy4j.bench.harness.Harness;
import dev.dspy4j.bench.harness.StreamClient;
import dev.dspy4j.bench.harness.StreamListener;
import okhttp3.Dispatcher;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;
import org.springframework.ai.openai.http.okhttp.SpringAiOpenAiHttpClient;
import reactor.core.Disposable;

/**
 * Spring AI 2.0 {@code OpenAiChatModel.stream} (which runs on the OpenAI Java SDK over Spring AI's
 * own OkHttp transport), built directly without a Spring Boot application. Fair settings: retries
 * off, generous timeout, usage on ({@code streamUsage}), HTTP/1.1 (OkHttp's only protocol for plain
 * http), and the OkHttp dispatcher raised to the scenario's concurrency (its default admits 64).
 */
public final class SpringAiClient implements StreamClient {

  private final SpringAiOpenAiHttpClient http;
  private final OpenAiChatModel model;
  private final Prompt prompt;

  SpringAiClient(ClientConfig c) {
    c.requireStreamMode("spring-ai");
    this.http =
        SpringAiOpenAiHttpClient.builder()
            .timeout(c.timeout())
            .maxIdleConnections(c.maxConcurrency())
            .keepAliveDuration(java.time.Duration.ofMinutes(5))
            .build();
    Dispatcher dispatcher = http.getOkHttpClient().dispatcher();
    dispatcher.setMaxRequests(c.maxConcurrency());
    dispatcher.setMaxRequestsPerHost(c.maxConcurrency());
    var async =
        new OpenAIClientAsyncImpl(
            ClientOptions.builder()
                .httpClient(http)
                .baseUrl(c.baseUrl())
                .apiKey(c.apiKey())
                .maxRetries(0)
                .build());
    OpenAiChatOptions options =
        OpenAiChatOptions.builder()
            .model(c.model())
            .baseUrl(c.baseUrl())
            .apiKey(c.apiKey())
            .maxRetries(0)
            .timeout(c.timeout())
            .streamUsage(true)
            .build();
    this.model = OpenAiChatModel.builder().openAiClientAsync(async).options(options).build();
    this.prompt = new Prompt(Harness.PROMPT, options);
  }

  @Override
  public void start(String ignored, StreamListener listener) {
    Disposable unused =
        model.stream(prompt)
            .subscribe(r -> onResponse(r, listener), listener::onError, listener::onComplete);
  }

  private static void onResponse(ChatResponse response, StreamListener listener) {
    for (Generation g : response.getResults()) {
      String text = g.getOutput() == null ? null : g.getOutput().getText();
      if (text != null && !text.isEmpty()) {
        listener.onToken();
      }
    }
  }

  @Override
  public void close() {
    http.close();
  }

  /** Client JVM entry point; see {@link Harness}. */
  public static void main(String[] args) {
    Harness.run(args, SpringAiClient::new);
  }
}
