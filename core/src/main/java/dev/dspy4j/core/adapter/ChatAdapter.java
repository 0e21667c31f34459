package dev.dspy4j.core.adapter;

import dev.dspy4j.core.adapter.internal.ChatFieldSplitter;
import dev.dspy4j.core.adapter.internal.JsonSchemas;
import dev.dspy4j.core.adapter.internal.PyJson;
import dev.dspy4j.core.adapter.internal.PyRepr;
import dev.dspy4j.core.adapter.internal.PyText;
import dev.dspy4j.core.adapter.internal.ValueParser;
import dev.dspy4j.core.lm.Message;
import dev.dspy4j.core.signature.Field;
import dev.dspy4j.core.signature.FieldType;
import dev.dspy4j.core.signature.History;
import dev.dspy4j.core.signature.Signature;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * DSPy's default adapter: fields delimited by {@code [[ ## name ## ]]} markers. The prompt is
 * byte-identical to DSPy's {@code ChatAdapter} and parsing follows the same rules (header lines,
 * first occurrence wins, unknown headers ignored, lenient values). Thread-safe.
 *
 * <p>The parts of a prompt that depend on the signature only (the system message, the output
 * reminder) are made once per {@link Signature} instance and reused by later calls with it (a small
 * bounded table, see {@link #format}); a subclass overriding {@link #systemMessage} must therefore
 * return the same text for the same signature every time.
 */
public class ChatAdapter implements Adapter {

  /**
   * DSPy's {@code field_header_pattern}: {@code \[\[ ## (\w+) ## \]\]} (with Python's Unicode
   * {@code \w}). Matched at the start of a stripped line.
   */
  public static final Pattern FIELD_HEADER =
      Pattern.compile("\\[\\[ ## (\\w+) ## \\]\\]", Pattern.UNICODE_CHARACTER_CLASS);

  static final String INCOMPLETE_DEMO_PREFIX =
      "This is an example of the task, though some input or output fields are not supplied.";
  static final String NOT_SUPPLIED = "Not supplied for this particular example. ";
  static final String NOT_SUPPLIED_COMPLETE =
      "Not supplied for this conversation history message. ";

  /** A ChatAdapter. */
  public ChatAdapter() {}

  @Override
  public String name() {
    return "ChatAdapter";
  }

  /**
   * Splits {@code [[ ## field ## ]]} sections as they stream, by the same rules as {@link #parse}:
   * marker text never reaches the pieces, a line start is held back only while it could still
   * become a marker, and a field's concatenated pieces equal its parsed (stripped) text.
   */
  @Override
  public Optional<FieldSplitter> fieldSplitter(Signature signature, Set<String> streamed) {
    Set<String> outputs = outputNameSet(signature);
    return Optional.of(new ChatFieldSplitter(outputs, streamedSet(outputs, streamed)));
  }

  /** A {@link JsonAdapter}, as DSPy's {@code ChatAdapter} falls back to its {@code JSONAdapter}. */
  @Override
  public Optional<Adapter> fallback() {
    return Optional.of(JsonFallback.ADAPTER);
  }

  /**
   * The fallback, made on first use (a JsonAdapter is a ChatAdapter: not in this class's
   * initializer).
   */
  private static final class JsonFallback {
    static final JsonAdapter ADAPTER = new JsonAdapter();
  }

  /**
   * The output field names of {@code signature}, as an immutable set (made once per signature, with
   * its other {@linkplain #formatted formatted parts}).
   */
  final Set<String> outputNameSet(Signature signature) {
    return formatted(signature).outputs();
  }

  /**
   * {@code streamed} as an immutable set, the very {@code outputs} set when it names all outputs
   * (the usual stream of every field), so that a splitter's own copy costs nothing.
   */
  static Set<String> streamedSet(Set<String> outputs, Set<String> streamed) {
    return streamed.size() == outputs.size() && outputs.containsAll(streamed)
        ? outputs
        : Set.copyOf(streamed);
  }

  @Override
  public List<Message> format(
      Signature signature, List<? extends Map<String, ?>> demos, Map<String, ?> inputs) {
    Objects.requireNonNull(signature, "signature must not be null");
    Objects.requireNonNull(demos, "demos must not be null");
    Objects.requireNonNull(inputs, "inputs must not be null");
    var messages = new ArrayList<Message>();
    Formatted formatted = formatted(signature);
    messages.add(formatted.system());
    if (!demos.isEmpty()) messages.addAll(formatDemos(signature, demos));
    String content;
    if (formatted.history() != null) {
      String name = formatted.history();
      Signature withoutHistory = signature.delete(name);
      Object h = inputs.get(name);
      if (h != null) {
        if (!(h instanceof History hist)) {
          throw new IllegalArgumentException(
              "input '"
                  + name
                  + "' must be a dev.dspy4j.core.signature.History, was "
                  + h.getClass().getName());
        }
        for (var turn : hist.messages()) {
          String user = userContent(withoutHistory, turn, "", "", false);
          if (!user.isEmpty()) messages.add(Message.user(user));
          String assistant = assistantContent(withoutHistory, turn, null);
          if (!assistant.isEmpty()) messages.add(Message.assistant(assistant));
        }
      }
      var rest = new LinkedHashMap<String, Object>(inputs);
      rest.remove(name);
      content = userContent(withoutHistory, rest, "", "", formatted.outputRequirements());
    } else {
      content = userContent(signature, inputs, "", "", formatted.outputRequirements());
    }
    if (!content.isEmpty()) messages.add(Message.user(content));
    return List.copyOf(messages);
  }

  /**
   * What formatting a signature makes the same way on every call: the system message (whose bytes
   * depend on the signature only), the output reminder of the user message, the history input, and
   * the output names a field splitter follows.
   */
  private record Formatted(
      Signature signature,
      Message system,
      String outputRequirements,
      @Nullable String history,
      Set<String> outputs) {}

  private static final int FORMATTED_SLOTS = 16;

  /**
   * The parts made for the signatures formatted last, by identity (a Predict formats the same
   * {@link Signature} instance on every call until its learned state changes): at most {@value
   * #FORMATTED_SLOTS}, replaced when another signature lands in the same slot, so the parts are
   * made once per signature instead of once per call. Signatures are immutable and each slot holds
   * an immutable record, so concurrent calls at worst make the parts twice.
   */
  private final AtomicReferenceArray<@Nullable Formatted> formatted =
      new AtomicReferenceArray<>(FORMATTED_SLOTS);

  private Formatted formatted(Signature signature) {
    int slot = System.identityHashCode(signature) & (FORMATTED_SLOTS - 1);
    Formatted f = formatted.get(slot);
    if (f != null && f.signature() == signature) return f;
    String history = null;
    for (Field field : signature.inputs()) {
      if (field.type() instanceof FieldType.HistoryType) {
        history = field.name();
        break;
      }
    }
    Signature main = history == null ? signature : signature.delete(history);
    var outputs = new HashSet<String>();
    for (Field field : signature.outputs()) outputs.add(field.name());
    f =
        new Formatted(
            signature,
            Message.system(systemMessage(signature)),
            outputRequirements(main),
            history,
            Set.copyOf(outputs));
    formatted.set(slot, f);
    return f;
  }

  /**
   * DSPy's {@code format_user_message_content(signature, inputs)}: each input field present in
   * {@code inputs} as {@code [[ ## name ## ]]} and its formatted value, blank-line separated,
   * without the output reminder (ReAct formats its trajectory this way).
   */
  public String formatUserMessageContent(Signature signature, Map<String, ?> inputs) {
    return userContent(signature, inputs, "", "", false);
  }

  /** The system message: field descriptions, field structure and the task. */
  public String systemMessage(Signature signature) {
    return fieldDescription(signature)
        + "\n"
        + fieldStructure(signature)
        + "\n"
        + taskDescription(signature);
  }

  String fieldDescription(Signature signature) {
    return "Your input fields are:\n"
        + describe(signature.inputs())
        + "\nYour output fields are:\n"
        + describe(signature.outputs());
  }

  private static String describe(List<Field> fields) {
    var lines = new ArrayList<String>();
    for (int i = 0; i < fields.size(); i++) {
      var f = fields.get(i);
      lines.add((i + 1) + ". `" + f.name() + "` (" + f.type().dspyName() + "): " + f.description());
    }
    return PyText.strip(String.join("\n", lines));
  }

  String fieldStructure(Signature signature) {
    var parts = new ArrayList<String>();
    parts.add(
        "All interactions will be structured in the following way, with the appropriate values filled in.");
    parts.add(placeholders(signature.inputs()));
    parts.add(placeholders(signature.outputs()));
    parts.add("[[ ## completed ## ]]\n");
    return PyText.strip(String.join("\n\n", parts));
  }

  String placeholders(List<Field> fields) {
    return PyText.strip(
        fields.stream()
            .map(f -> "[[ ## " + f.name() + " ## ]]\n" + placeholder(f))
            .collect(Collectors.joining("\n\n")));
  }

  /** DSPy's {@code translate_field_type}: {@code {name}} plus a type note for non-str outputs. */
  static String placeholder(Field f) {
    String note = "";
    FieldType t = f.type();
    if (!f.isInput() && !(t instanceof FieldType.Str)) {
      if (t instanceof FieldType.Bool) {
        note = "must be True or False";
      } else if (t instanceof FieldType.Int || t instanceof FieldType.Float) {
        note = "must be a single " + t.dspyName() + " value";
      } else if (t instanceof FieldType.LiteralOf lit && lit.enumType() != null) {
        note = "must be one of: " + String.join("; ", lit.values());
      } else if (t instanceof FieldType.LiteralOf lit) {
        note =
            "must exactly match (no extra characters) one of: " + String.join("; ", lit.values());
      } else {
        note = "must adhere to the JSON schema: " + PyJson.dumps(JsonSchemas.forPrompt(t));
      }
      note = " ".repeat(8) + "# note: the value you produce " + note;
    }
    return "{" + f.name() + "}" + note;
  }

  String taskDescription(Signature signature) {
    var sb = new StringBuilder("In adhering to this structure, your objective is: ");
    for (String line : PyText.splitlines(PyText.dedent(signature.instructions()))) {
      sb.append('\n').append(" ".repeat(8)).append(line);
    }
    return sb.toString();
  }

  String userContent(
      Signature signature, Map<String, ?> inputs, String prefix, String suffix, boolean main) {
    return userContent(
        signature, inputs, prefix, suffix, main ? outputRequirements(signature) : null);
  }

  /** The user message content, with {@code requirements} (the output reminder) when not null. */
  private String userContent(
      Signature signature,
      Map<String, ?> inputs,
      String prefix,
      String suffix,
      @Nullable String requirements) {
    var parts = new ArrayList<String>();
    parts.add(prefix);
    for (var f : signature.inputs()) {
      if (inputs.containsKey(f.name())) {
        parts.add("[[ ## " + f.name() + " ## ]]\n" + formatValue(f, inputs.get(f.name())));
      }
    }
    if (requirements != null) parts.add(requirements);
    parts.add(suffix);
    return PyText.strip(String.join("\n\n", parts));
  }

  String outputRequirements(Signature signature) {
    return "Respond with the corresponding output fields, starting with the field "
        + signature.outputs().stream()
            .map(f -> "`[[ ## " + f.name() + " ## ]]`" + typeInfo(f))
            .collect(Collectors.joining(", then "))
        + ", and then ending with the marker for `[[ ## completed ## ]]`.";
  }

  static String typeInfo(Field f) {
    return f.type() instanceof FieldType.Str
        ? ""
        : " (must be formatted as a valid Python " + f.type().dspyName() + ")";
  }

  String assistantContent(Signature signature, Map<String, ?> outputs, @Nullable String missing) {
    String fields =
        PyText.strip(
            signature.outputs().stream()
                .map(
                    f ->
                        "[[ ## "
                            + f.name()
                            + " ## ]]\n"
                            + formatValue(
                                f, outputs.containsKey(f.name()) ? outputs.get(f.name()) : missing))
                .collect(Collectors.joining("\n\n")));
    return fields + "\n\n[[ ## completed ## ]]\n";
  }

  /** DSPy's {@code format_field_value}. */
  static String formatValue(Field f, @Nullable Object value) {
    if (value instanceof List<?> list && f.type() instanceof FieldType.Str) {
      if (list.isEmpty()) return "N/A";
      if (list.size() == 1) return blob(list.get(0));
      var lines = new ArrayList<String>();
      for (int i = 0; i < list.size(); i++) lines.add("[" + (i + 1) + "] " + blob(list.get(i)));
      return String.join("\n", lines);
    }
    return PyJson.render(value);
  }

  /**
   * DSPy's {@code _format_blob}, which expects text: a list, dict or record item shows as Python's
   * str (a record like a pydantic model, {@code x=6 y=11}); a number, boolean, None or enum item
   * makes DSPy raise (TypeError), so it is refused here too.
   */
  private static String blob(@Nullable Object item) {
    Object v = item instanceof Optional<?> o ? o.orElse(null) : item;
    boolean text =
        v instanceof CharSequence
            || v instanceof List
            || v instanceof Map
            || v instanceof Object[]
            || (v != null && v.getClass().isRecord());
    if (!text) {
      throw new IllegalArgumentException(
          "a list given to a str field must hold text, found "
              + (v == null ? "null" : v.getClass().getSimpleName() + " " + v)
              + " (DSPy raises TypeError for it too)");
    }
    // for a list, dict or model Python's `"\n" not in blob` tests membership, not text: one line
    if (!(v instanceof CharSequence)) return "«" + PyRepr.str(v) + "»";
    String s = v.toString();
    if (s.indexOf('\n') < 0 && s.indexOf('«') < 0 && s.indexOf('»') < 0) return "«" + s + "»";
    return "«««\n    " + s.replace("\n", "\n    ") + "\n»»»";
  }

  private List<Message> formatDemos(Signature signature, List<? extends Map<String, ?>> demos) {
    var complete = new ArrayList<Map<String, ?>>();
    var incomplete = new ArrayList<Map<String, ?>>();
    for (var demo : demos) {
      Objects.requireNonNull(demo, "demos must not contain null");
      boolean isComplete = signature.fields().stream().allMatch(f -> demo.get(f.name()) != null);
      boolean hasInput = signature.inputs().stream().anyMatch(f -> demo.containsKey(f.name()));
      boolean hasOutput = signature.outputs().stream().anyMatch(f -> demo.containsKey(f.name()));
      if (isComplete) complete.add(demo);
      else if (hasInput && hasOutput) incomplete.add(demo);
    }
    var out = new ArrayList<Message>();
    for (var demo : incomplete) {
      out.add(Message.user(userContent(signature, demo, INCOMPLETE_DEMO_PREFIX, "", false)));
      out.add(Message.assistant(assistantContent(signature, demo, NOT_SUPPLIED)));
    }
    for (var demo : complete) {
      out.add(Message.user(userContent(signature, demo, "", "", false)));
      out.add(Message.assistant(assistantContent(signature, demo, NOT_SUPPLIED_COMPLETE)));
    }
    return out;
  }

  @Override
  public Map<String, Object> parse(Signature signature, String completion) {
    Objects.requireNonNull(signature, "signature must not be null");
    Objects.requireNonNull(completion, "completion must not be null");
    // DSPy: the lines of completion.splitlines(); a header line starts a section, every other line
    // belongs to the section it is in (none before the first header). Lines are walked in place:
    // a section keeps where its lines are, and only its value is copied out.
    var sections = new ArrayList<Section>();
    Matcher matcher = null; // one for every header line of this answer, made at the first
    Section current = null;
    int n = completion.length();
    int start = 0;
    while (start < n) {
      int end = start;
      while (end < n && !PyText.isLineBreak(completion.charAt(end))) end++;
      int next = end + 1;
      if (end + 1 < n && completion.charAt(end) == '\r' && completion.charAt(end + 1) == '\n') {
        next++;
      }
      Section header = null;
      if (startsLikeHeader(completion, start, end)) {
        if (matcher == null) matcher = FIELD_HEADER.matcher(completion);
        header = header(matcher, completion, start, end);
      }
      if (header != null) {
        sections.add(header);
        current = header;
      } else if (current != null) {
        current.add(completion, start, end);
      }
      start = next;
    }
    var parsed = new LinkedHashMap<String, Object>();
    for (Section section : sections) {
      String k = section.name;
      if (parsed.containsKey(k)) continue;
      Optional<Field> field = signature.output(k);
      if (field.isEmpty()) continue;
      String v = section.value(completion);
      try {
        parsed.put(k, ValueParser.parse(v, field.get().type()));
      } catch (IllegalArgumentException e) {
        throw new AdapterParseException(
            name(),
            completion,
            outputNames(signature),
            null,
            "Failed to parse field "
                + k
                + " with value "
                + v
                + " from the LM response. Error message: "
                + e.getMessage(),
            e);
      }
    }
    return complete(signature, completion, parsed);
  }

  /**
   * Whether the stripped text of line {@code [start, end)} of {@code s} starts with {@code [}: only
   * such a line can be a header (the value lines, nearly all, are not matched against the regex).
   */
  private static boolean startsLikeHeader(String s, int start, int end) {
    int a = start;
    while (a < end && PyText.isSpace(s.charAt(a))) a++;
    return a < end && s.charAt(a) == '[';
  }

  /**
   * The section a line {@code [start, end)} of {@code s} starts when its stripped text starts with
   * a field header, else null. {@code m} is a matcher of {@link #FIELD_HEADER} over {@code s}.
   */
  private static @Nullable Section header(Matcher m, String s, int start, int end) {
    int a = start;
    while (a < end && PyText.isSpace(s.charAt(a))) a++;
    int b = end;
    while (b > a && PyText.isSpace(s.charAt(b - 1))) b--;
    m.region(a, b);
    if (!m.lookingAt()) return null;
    // DSPy slices the unstripped line at the end offset of the match in the stripped line.
    int rest = start + Math.min(m.end() - a, end - start);
    return new Section(m.group(1), strip(s, rest, end));
  }

  /** Python's {@code s[from:to].strip()}. */
  private static String strip(String s, int from, int to) {
    while (from < to && PyText.isSpace(s.charAt(from))) from++;
    while (to > from && PyText.isSpace(s.charAt(to - 1))) to--;
    return s.substring(from, to);
  }

  /**
   * One {@code [[ ## name ## ]]} section of an answer: the text after the header on its line, then
   * its lines, kept as where they are in the answer.
   */
  private static final class Section {
    final String name;
    final String rest;
    private int lines;
    private int from;
    private int to;

    /** All line breaks between the section's lines are a single {@code \n}. */
    private boolean plain = true;

    Section(String name, String rest) {
      this.name = name;
      this.rest = rest;
    }

    void add(String s, int start, int end) {
      if (lines == 0) {
        from = start;
      } else if (start - to != 1 || s.charAt(to) != '\n') {
        plain = false;
      }
      to = end;
      lines++;
    }

    /** DSPy's {@code "\n".join(lines).strip()}, the header line's rest first when not empty. */
    String value(String s) {
      if (lines == 0) return rest; // already stripped
      if (plain && rest.isEmpty()) return strip(s, from, to); // the one copy of the value
      String body =
          plain
              ? s.substring(from, to)
              // Only trailing empty lines are lost here, which the strip removes anyway.
              : String.join("\n", PyText.splitlines(s.substring(from, to)));
      return PyText.strip(rest.isEmpty() ? body : rest + "\n" + body);
    }
  }

  /** Fills absent optional outputs with null and fails when a required output is missing. */
  Map<String, Object> complete(Signature signature, String completion, Map<String, Object> parsed) {
    var out = new LinkedHashMap<String, Object>();
    boolean missing = false;
    for (var f : signature.outputs()) {
      if (parsed.containsKey(f.name())) out.put(f.name(), parsed.get(f.name()));
      else if (f.type().isOptional()) out.put(f.name(), null);
      else missing = true;
    }
    if (missing) {
      throw new AdapterParseException(
          name(), completion, outputNames(signature), List.copyOf(out.keySet()), null, null);
    }
    return out;
  }

  static List<String> outputNames(Signature signature) {
    return signature.outputs().stream().map(Field::name).toList();
  }
}
