package dev.dspy4j.core.predict.internal;

import dev.dspy4j.core.helicone.Helicone;
import dev.dspy4j.core.helicone.HeliconeHeaders;
import java.util.Objects;
import java.util.function.Function;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * Where a module runs inside a composite: the {@code withSessionPath} segments from the outermost
 * module down, kept in the Reactor Context next to the Helicone session path they also extend.
 * Stream events are tagged with it, so a UI can tell which sub-module a chunk came from.
 */
public final class ModulePath {

  private static final Object KEY =
      new Object() {
        @Override
        public String toString() {
          return "dspy4j.modulePath";
        }
      };

  private ModulePath() {}

  /**
   * The normalised form of a segment ({@code "answer"} → {@code "/answer"}, {@code "a/b"} → {@code
   * "/a/b"}), checked as a Helicone session path is.
   *
   * @throws IllegalArgumentException when the segment is blank, has no name or cannot be a header
   *     value
   */
  public static String segment(String segment) {
    Objects.requireNonNull(segment, "session path segment must not be null");
    return HeliconeHeaders.builder().childPath(segment).build().sessionPath().orElseThrow();
  }

  /**
   * A Context change that appends a normalised segment both to the module path and to the Helicone
   * session path ({@link Helicone#childPath}).
   */
  public static Function<Context, Context> child(String normalisedSegment) {
    Function<Context, Context> helicone = Helicone.childPath(normalisedSegment);
    return ctx -> helicone.apply(ctx).put(KEY, current(ctx) + normalisedSegment);
  }

  /** The module path of this Context: {@code ""} outside any module with a session path. */
  public static String current(ContextView ctx) {
    return ctx.getOrDefault(KEY, "");
  }
}
