package dev.dspy4j.core.adapter.internal;

import dev.dspy4j.core.adapter.ChatAdapter;
import dev.dspy4j.core.adapter.FieldSplitter;
import java.util.HashSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Splits ChatAdapter output ({@code [[ ## field ## ]]} sections) into field pieces, following the
 * same rules as {@link ChatAdapter#parse} so that the concatenated chunks of a field equal its
 * parsed value:
 *
 * <ul>
 *   <li>a header is a line whose stripped text starts with a complete marker; the start of a line
 *       is held back only while it could still become one ({@code [}, {@code [[ #}, ...);
 *   <li>marker characters are never emitted; whitespace after the marker (the newline) and before
 *       the next marker is dropped; whitespace inside a value is emitted once more text follows;
 *   <li>the first section of a field wins; unknown headers end a section and are skipped;
 *   <li>each streamed field's final chunk has {@code last=true}.
 * </ul>
 */
public final class ChatFieldSplitter implements FieldSplitter {

  private final Set<String> outputs;
  private final Set<String> streamed;
  private final Set<String> seen = new HashSet<>();
  private final StringBuilder line = new StringBuilder();
  private final StringBuilder pending = new StringBuilder();
  private final StringBuilder out = new StringBuilder();
  private final MarkerPrefix marker = new MarkerPrefix();

  /** Where the call in progress ({@link #accept} or {@link #finish}) reports its pieces. */
  private Sink sink = (field, text, last) -> {};

  private boolean lineHeld = true;
  private int leading; // whitespace characters at the start of the held line
  private boolean onHeaderLine;
  private boolean lastWasCr;
  private boolean started;
  private @Nullable String current;

  /**
   * A delta that is, as it is, the next piece of the current field (nothing held before it, no
   * whitespace to strip): reported by {@link #flush} without copying it into {@link #out}.
   */
  private @Nullable String whole;

  /**
   * @param outputs all output field names of the signature
   * @param streamed the output fields to emit chunks for
   */
  public ChatFieldSplitter(Set<String> outputs, Set<String> streamed) {
    this.outputs = Set.copyOf(outputs);
    this.streamed = Set.copyOf(streamed);
  }

  @Override
  public void accept(String delta, Sink sink) {
    this.sink = sink;
    if (lineHeld || !contentOnly(delta)) {
      for (int i = 0; i < delta.length(); i++) {
        onChar(delta.charAt(i));
      }
    } else if (current != null) {
      appendContent(delta);
    }
    flush(false);
  }

  /** True when {@code delta} has no line break: then, mid-line, all of it is content. */
  private static boolean contentOnly(String delta) {
    for (int i = 0; i < delta.length(); i++) {
      if (PyText.isLineBreak(delta.charAt(i))) return false;
    }
    return true;
  }

  /** {@link #content(char)} for every character of {@code text}, in one pass of appends. */
  private void appendContent(String text) {
    lastWasCr = false;
    int from = 0;
    if (!started) {
      while (from < text.length() && PyText.isSpace(text.charAt(from))) from++;
    }
    int to = text.length();
    while (to > from && PyText.isSpace(text.charAt(to - 1))) to--;
    if (to > from) {
      if (from == 0 && to == text.length() && out.length() == 0 && pending.length() == 0) {
        whole = text; // the usual mid-line delta: the piece is the delta itself, not a copy
      } else {
        if (pending.length() > 0) out.append(pending);
        out.append(text, from, to);
      }
      pending.setLength(0);
      started = true;
    }
    if (started) pending.append(text, to, text.length());
  }

  @Override
  public void finish(Sink sink) {
    this.sink = sink;
    if (lineHeld && line.length() > 0) resolveHeldAsContent();
    closeField();
  }

  private void onChar(char c) {
    if (lastWasCr && c == '\n') {
      lastWasCr = false;
      return;
    }
    lastWasCr = c == '\r';
    if (PyText.isLineBreak(c)) {
      if (lineHeld) resolveHeldAsContent();
      endLine();
      return;
    }
    if (!lineHeld) {
      content(c);
      return;
    }
    line.append(c);
    if (leading == line.length() - 1 && PyText.isSpace(c)) {
      leading++;
      return; // only whitespace so far: the line may still become a header
    }
    MarkerPrefix.State state = marker.next(c);
    if (state == MarkerPrefix.State.COMPLETE) {
      // The line after its indent is exactly one marker (MarkerPrefix follows FIELD_HEADER).
      String header = line.substring(leading);
      String name =
          header.substring(
              MarkerPrefix.OPEN.length(), header.length() - MarkerPrefix.CLOSE.length());
      line.setLength(0);
      int indent = leading;
      leading = 0;
      lineHeld = false;
      marker.reset();
      startSection(name);
      onHeaderLine = true;
      // DSPy slices the unstripped line at the match end found in the stripped line, so with
      // leading whitespace the last characters of the marker become part of the value.
      String quirk = header.substring(Math.max(0, header.length() - indent));
      for (int k = 0; k < quirk.length(); k++) content(quirk.charAt(k));
    } else if (state == MarkerPrefix.State.IMPOSSIBLE) {
      resolveHeldAsContent();
    }
  }

  private void resolveHeldAsContent() {
    leading = 0;
    marker.reset();
    lineHeld = false;
    // content() never touches the held line, so it is read in place rather than copied first.
    for (int k = 0; k < line.length(); k++) content(line.charAt(k));
    line.setLength(0);
  }

  private void endLine() {
    if (current != null) {
      if (onHeaderLine) pending.setLength(0);
      if (started) pending.append('\n');
    }
    lineHeld = true;
    leading = 0;
    marker.reset();
    onHeaderLine = false;
  }

  private void content(char c) {
    if (current == null) return;
    if (PyText.isSpace(c)) {
      if (started) pending.append(c);
      return;
    }
    if (pending.length() > 0) {
      out.append(pending);
      pending.setLength(0);
    }
    out.append(c);
    started = true;
  }

  private void startSection(String name) {
    closeField();
    if (outputs.contains(name) && seen.add(name) && streamed.contains(name)) {
      current = name;
      started = false;
      pending.setLength(0);
    }
  }

  private void closeField() {
    flush(true);
    current = null;
  }

  private void flush(boolean last) {
    if (current == null) return;
    if (whole != null) {
      String piece = whole;
      whole = null;
      sink.field(current, piece, last);
      return;
    }
    if (out.length() > 0 || last) {
      sink.field(current, out.toString(), last);
      out.setLength(0);
    }
  }
}
