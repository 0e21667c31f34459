package dev.dspy4j.streaming.relay;

import dev.dspy4j.core.predict.StreamEvent;
import java.util.List;
import java.util.Map;

/**
 * What a relay writes on the wire for a module's {@link StreamEvent}s: the SSE frames of each
 * event, of the end and of a failure, and the response headers the client expects. A format is an
 * immutable, thread-safe value; {@link #open()} gives the per-stream state.
 *
 * <p>Built in: {@link #dspy4j()} (the relay's own named events, the default), {@link #aiSdk()} (the
 * Vercel AI SDK's UI message stream, for {@code useChat} and its transports) and {@link
 * #dspyStreamingResponse()} (Python DSPy's {@code dspy.streaming.streaming_response}). Choose one
 * with {@link SseRelay#withFormat(RelayFormat)}; any SSE writer (Reactor Netty, Spring's {@code
 * ServerSentEvent}) sends the resulting {@link SseFrame}s plus {@link #headers()}.
 */
public interface RelayFormat {

  /**
   * The relay's own events: {@code field}, {@code status}, {@code done} and {@code error}, with
   * ids.
   */
  static RelayFormat dspy4j() {
    return Dspy4jEvents.INSTANCE;
  }

  /**
   * The Vercel AI SDK's UI message stream (protocol {@code v1}), with {@code reasoning} as
   * reasoning parts and {@code answer} as text parts; see {@link AiSdkUiMessageStream} to choose
   * other fields.
   */
  static AiSdkUiMessageStream aiSdk() {
    return AiSdkUiMessageStream.create();
  }

  /**
   * Python DSPy's {@code streaming_response} format: {@code data: {"chunk": ...}}, {@code data:
   * {"prediction": ...}}, {@code data: [DONE]}.
   */
  static RelayFormat dspyStreamingResponse() {
    return DspyStreamingResponse.INSTANCE;
  }

  /**
   * Response headers the format needs besides {@code Content-Type: text/event-stream}, {@code
   * Cache-Control: no-cache} and {@code X-Accel-Buffering: no} (which every relay response
   * carries).
   */
  Map<String, String> headers();

  /** A writer for one stream; each subscription to a relay's frames opens its own. */
  Writer open();

  /**
   * Turns one stream's events into frames. Called serially, in stream order: {@link #begin()} once,
   * {@link #event} for each event, then exactly one of {@link #end()} (after a {@code Done}) or
   * {@link #error} (the stream failed, or ended without {@code Done}).
   */
  interface Writer {

    /** Frames sent before the first event (may be empty). */
    List<SseFrame> begin();

    /** The frames of one event (may be empty when the format has nothing to say about it). */
    List<SseFrame> event(StreamEvent event);

    /** The frames after the stream's {@code Done} event. */
    List<SseFrame> end();

    /**
     * The frames reporting a failure.
     *
     * @param type a short error type, such as the exception's simple class name
     * @param message a message already cleared of credentials, safe for a browser
     */
    List<SseFrame> error(String type, String message);
  }
}
