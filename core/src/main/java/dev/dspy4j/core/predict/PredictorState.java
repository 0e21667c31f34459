package dev.dspy4j.core.predict;

import dev.dspy4j.core.signature.Field;
import dev.dspy4j.core.signature.Signature;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link Predict} learns, as DSPy saves it for a predictor: the demos, the signature's
 * instructions and field descriptions (carried by {@link #signature()}), each field's prefix, and
 * the saved {@code traces}, {@code train} and {@code lm} sections. Immutable: a Predict holds one
 * state and replaces it whole ({@link Predict#setState}), so a call sees one state or the next,
 * never a mix.
 *
 * @param signature the signature the predictor runs: its instructions and descriptions are learned
 * @param demos the few-shot demos, in order
 * @param prefixes each field's DSPy prefix ({@code "Answer:"}); unused by the ChatAdapter's prompts
 *     but saved and loaded as DSPy does. A field missing here has DSPy's inferred prefix
 * @param traces DSPy's {@code traces} list, kept as loaded (JSON values)
 * @param train DSPy's {@code train} list, kept as loaded (JSON values)
 * @param lm the saved LM section (JSON values) as loaded, without unsafe keys unless allowed; null
 *     when none. dspy4j does not build an LM from it: it is kept and saved again
 */
public record PredictorState(
    Signature signature,
    List<Example> demos,
    Map<String, String> prefixes,
    List<Object> traces,
    List<Object> train,
    @Nullable Map<String, Object> lm) {

  private static final Pattern CAMEL_1 = Pattern.compile("(.)([A-Z][a-z]+)");
  private static final Pattern CAMEL_2 = Pattern.compile("([a-z0-9])([A-Z])");
  private static final Pattern LETTER_DIGIT = Pattern.compile("([a-zA-Z])(\\d)");
  private static final Pattern DIGIT_LETTER = Pattern.compile("(\\d)([a-zA-Z])");

  public PredictorState {
    Objects.requireNonNull(signature, "signature must not be null");
    demos = List.copyOf(Objects.requireNonNull(demos, "demos must not be null"));
    Objects.requireNonNull(prefixes, "prefixes must not be null");
    var known = new LinkedHashMap<String, String>();
    for (Field f : signature.fields()) {
      String p = prefixes.get(f.name());
      known.put(f.name(), p != null ? p : inferPrefix(f.name()) + ":");
    }
    for (String name : prefixes.keySet()) {
      if (!known.containsKey(name)) {
        throw new IllegalArgumentException(
            "prefix given for '" + name + "', which is not a field of " + signature);
      }
    }
    prefixes = Collections.unmodifiableMap(known);
    traces =
        Collections.unmodifiableList(
            new ArrayList<>(Objects.requireNonNull(traces, "traces must not be null")));
    train =
        Collections.unmodifiableList(
            new ArrayList<>(Objects.requireNonNull(train, "train must not be null")));
    lm = lm == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(lm));
  }

  /**
   * The state of a fresh predictor: no demos, DSPy's inferred prefixes, empty traces and train, no
   * LM.
   */
  public static PredictorState of(Signature signature) {
    return new PredictorState(signature, List.of(), Map.of(), List.of(), List.of(), null);
  }

  /** This state with other demos. */
  public PredictorState withDemos(List<Example> demos) {
    Objects.requireNonNull(demos, "demos must not be null");
    demos.forEach(d -> Objects.requireNonNull(d, "demos must not contain null"));
    return new PredictorState(signature, demos, prefixes, traces, train, lm);
  }

  /** This state with other instructions. */
  public PredictorState withInstructions(String instructions) {
    return new PredictorState(
        signature.withInstructions(instructions), demos, prefixes, traces, train, lm);
  }

  /**
   * This state with another signature; prefixes of fields that keep their name are kept, new fields
   * get DSPy's inferred prefix.
   */
  public PredictorState withSignature(Signature signature) {
    Objects.requireNonNull(signature, "signature must not be null");
    var kept = new LinkedHashMap<String, String>();
    for (Field f : signature.fields()) {
      String p = prefixes.get(f.name());
      if (p != null) kept.put(f.name(), p);
    }
    return new PredictorState(signature, demos, kept, traces, train, lm);
  }

  /** This state with other field prefixes (by field name; others keep theirs). */
  public PredictorState withPrefixes(Map<String, String> prefixes) {
    var merged = new LinkedHashMap<>(this.prefixes);
    merged.putAll(Objects.requireNonNull(prefixes, "prefixes must not be null"));
    return new PredictorState(signature, demos, merged, traces, train, lm);
  }

  /** The prefix of a field of the signature. */
  public String prefix(String field) {
    String p = prefixes.get(field);
    if (p == null) throw new IllegalArgumentException("no field '" + field + "' in " + signature);
    return p;
  }

  /**
   * DSPy's {@code infer_prefix}: {@code "camelCaseText"} and {@code "snake_case_text"} become
   * {@code "Camel Case Text"} and {@code "Snake Case Text"}, {@code "text2number"} becomes {@code
   * "Text 2 Number"}, acronyms stay.
   */
  public static String inferPrefix(String name) {
    String s = CAMEL_1.matcher(name).replaceAll("$1_$2");
    s = CAMEL_2.matcher(s).replaceAll("$1_$2");
    s = LETTER_DIGIT.matcher(s).replaceAll("$1_$2");
    s = DIGIT_LETTER.matcher(s).replaceAll("$1_$2");
    var words = new ArrayList<String>();
    for (String w : s.split("_", -1)) words.add(isUpper(w) ? w : capitalize(w));
    return String.join(" ", words);
  }

  // Python's str.isupper(): at least one cased character and no lowercase ones
  private static boolean isUpper(String w) {
    boolean cased = false;
    for (int i = 0; i < w.length(); i++) {
      char c = w.charAt(i);
      if (Character.isLowerCase(c)) return false;
      if (Character.isUpperCase(c)) cased = true;
    }
    return cased;
  }

  // Python's str.capitalize(): first character upper, the rest lower
  private static String capitalize(String w) {
    if (w.isEmpty()) return w;
    return w.substring(0, 1).toUpperCase(java.util.Locale.ROOT)
        + w.substring(1).toLowerCase(java.util.Locale.ROOT);
  }

  @Override
  public String toString() {
    return "PredictorState(" + signature + ", " + demos.size() + " demos)";
  }
}
