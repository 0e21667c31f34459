package dev.dspy4j.streaming.internal;

import dev.dspy4j.core.lm.LmChunk;
import dev.dspy4j.core.lm.LmException;
import dev.dspy4j.core.lm.MalformedToolCallException;
import dev.dspy4j.core.lm.StreamInterruptedException;

/**
 * What one streamed call has delivered to its subscriber so far, across retries. Until a chunk with
 * text or reasoning has gone downstream, a failure stays as it is (and may be retried); afterwards it becomes a
 * {@link StreamInterruptedException} carrying the text of choice 0 received so far, which is not
 * retried: the subscriber has seen part of an answer. One per subscription; signals are serialised.
 */
public final class StreamProgress {

  private final StringBuilder partialText = new StringBuilder();
  private boolean textEmitted;

  /** Records a chunk on its way downstream. */
  public void onChunk(LmChunk chunk) {
    if (!chunk.text().isEmpty() || chunk.reasoning().isPresent() || !chunk.toolCallDeltas().isEmpty()) {
      // Reasoning shown in a UI counts as delivered too: a retry would repeat it.
      textEmitted = true;
      if (chunk.index() == 0) {
        partialText.append(chunk.text());
      }
    }
  }

  /** The failure to report, given what was already emitted. */
  public Throwable onFailure(Throwable failure) {
    if (!textEmitted || failure instanceof StreamInterruptedException || failure instanceof Error
        // The answer itself is unusable (not an interruption): reported as it is.
        || failure instanceof MalformedToolCallException) {
      return failure;
    }
    int status = failure instanceof LmException e ? e.statusCode() : 0;
    String requestId = failure instanceof LmException e ? e.requestId().orElse(null) : null;
    return new StreamInterruptedException("the stream was interrupted after " + partialText.length()
        + " characters of text had been delivered, so it was not retried: " + failure.getMessage()
        + " (partialText() holds the text received)", status, requestId, partialText.toString(), failure);
  }
}
