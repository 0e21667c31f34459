package dev.dspy4j.bench.openai;

import com.openai.client.OpenAIClientAsync;
import com.openai.client.okhttp.OpenAIOkHttpClientAsync;
import com.openai.core.http.AsyncStreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import dev.dspy4j.bench.harness.ClientConfig;
import dev.dspy4j.bench.harness.Harness;
import dev.dspy4j.bench.harness.StreamClient;
import dev.dspy4j.bench.harness.StreamListener;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;

/**
 * The official {@code com.openai:openai-java} SDK, async streaming ({@code createStreaming} +
 * {@code subscribe}). Fair settings: retries off, the request timeout generous, HTTP/1.1, usage on,
 * and an OkHttp client whose dispatcher and pool admit the scenario's concurrency (the SDK's own
 * default admits 64 requests at once).
 */
public final class OpenAiJavaClient implements StreamClient {

  private final OkHttpClient okHttp;
  private final OpenAIClientAsync client;
  private final ChatCompletionCreateParams params;

  OpenAiJavaClient(ClientConfig c) {
    c.requireStreamMode("openai-java");
    Dispatcher dispatcher = new Dispatcher();
    dispatcher.setMaxRequests(c.maxConcurrency());
    dispatcher.setMaxRequestsPerHost(c.maxConcurrency());
    this.okHttp =
        new OkHttpClient.Builder()
            .dispatcher(dispatcher)
            .connectionPool(new ConnectionPool(c.maxConcurrency(), 5, TimeUnit.MINUTES))
            .protocols(List.of(Protocol.HTTP_1_1))
            .retryOnConnectionFailure(false)
            .connectTimeout(c.timeout())
            .readTimeout(c.timeout())
            .writeTimeout(c.timeout())
            .callTimeout(c.timeout())
            .build();
    this.client =
        OpenAIOkHttpClientAsync.builder()
            .okHttpClient(okHttp)
            .baseUrl(c.baseUrl())
            .apiKey(c.apiKey())
            .maxRetries(0)
            .build();
    this.params =
        ChatCompletionCreateParams.builder()
            .model(c.model())
            .addUserMessage(Harness.PROMPT)
            .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build())
            .build();
  }

  @Override
  public void start(String prompt, StreamListener listener) {
    client
        .chat()
        .completions()
        .createStreaming(params)
        .subscribe(
            new AsyncStreamResponse.Handler<>() {
              @Override
              public void onNext(ChatCompletionChunk chunk) {
                for (ChatCompletionChunk.Choice choice : chunk.choices()) {
                  Optional<String> text = choice.delta().content();
                  if (text.isPresent() && !text.get().isEmpty()) {
                    listener.onToken();
                  }
                }
              }

              @Override
              public void onComplete(Optional<Throwable> error) {
                if (error.isPresent()) {
                  listener.onError(error.get());
                } else {
                  listener.onComplete();
                }
              }
            });
  }

  @Override
  public void close() {
    client.close();
    okHttp.dispatcher().executorService().shutdown();
    okHttp.connectionPool().evictAll();
  }

  /** Client JVM entry point; see {@link Harness}. */
  public static void main(String[] args) {
    Harness.run(args, OpenAiJavaClient::new);
  }
}
