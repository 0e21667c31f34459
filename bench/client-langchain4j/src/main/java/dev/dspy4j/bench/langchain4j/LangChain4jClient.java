package dev.dspy4j.bench.langchain4j;

import dev.dspy4j.bench.harness.ClientConfig;
import dev.dspy4j.bench.harness.Harness;
import dev.dspy4j.bench.harness.StreamClient;
import dev.dspy4j.bench.harness.StreamListener;
import dev.langchain4j.http.client.jdk.JdkHttpClientBuilder;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import java.net.http.HttpClient;

/**
 * LangChain4j {@code OpenAiStreamingChatModel} on its default JDK HTTP client, forced to HTTP/1.1
 * (the JDK client otherwise tries an h2c upgrade on plain http). Streaming has no retries in
 * LangChain4j; usage is requested by default ({@code stream_options.include_usage}).
 */
public final class LangChain4jClient implements StreamClient {

  private final OpenAiStreamingChatModel model;

  LangChain4jClient(ClientConfig c) {
    c.requireStreamMode("langchain4j");
    this.model =
        OpenAiStreamingChatModel.builder()
            .baseUrl(c.baseUrl())
            .apiKey(c.apiKey())
            .modelName(c.model())
            .timeout(c.timeout())
            .httpClientBuilder(
                new JdkHttpClientBuilder()
                    .httpClientBuilder(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1))
                    .connectTimeout(c.timeout())
                    .readTimeout(c.timeout()))
            .build();
  }

  @Override
  public void start(String prompt, StreamListener listener) {
    model.chat(
        prompt,
        new StreamingChatResponseHandler() {
          @Override
          public void onPartialResponse(String partial) {
            if (partial != null && !partial.isEmpty()) {
              listener.onToken();
            }
          }

          @Override
          public void onCompleteResponse(ChatResponse response) {
            listener.onComplete();
          }

          @Override
          public void onError(Throwable error) {
            listener.onError(error);
          }
        });
  }

  @Override
  public void close() {
    // The model owns a JDK HttpClient with no close on Java 17; the JVM exits after the scenario.
  }

  /** Client JVM entry point; see {@link Harness}. */
  public static void main(String[] args) {
    Harness.run(args, LangChain4jClient::new);
  }
}
