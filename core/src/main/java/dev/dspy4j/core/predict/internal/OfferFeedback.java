package dev.dspy4j.core.predict.internal;

import dev.dspy4j.core.adapter.internal.PyText;
import dev.dspy4j.core.signature.Field;
import dev.dspy4j.core.signature.Signature;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * DSPy's {@code OfferFeedback} signature of {@code Refine} (fields, descriptions and instructions
 * as DSPy's {@code dspy/predict/refine.py} defines them) and its {@code inspect_modules} text.
 */
public final class OfferFeedback {

  /** The instructions, DSPy's docstring of {@code OfferFeedback} as DSPy reads it. */
  static final String INSTRUCTIONS =
      String.join(
          "\n",
          "In the discussion, assign blame to each module that contributed to the final reward being below the threshold, if",
          "any. Then, prescribe concrete advice of how the module should act on its future input when we retry the process, if",
          "it were to receive the same or similar inputs. If a module is not to blame, the advice should be N/A.",
          "The module will not see its own history, so it needs to rely on entirely concrete and actionable advice from you",
          "to avoid the same mistake on the same or similar inputs.");

  /** The signature. */
  public static final Signature SIGNATURE = signature();

  private OfferFeedback() {}

  private static Signature signature() {
    Signature parsed =
        Signature.parse(
            "program_code, modules_defn, program_inputs, program_trajectory, "
                + "program_outputs, reward_code, target_threshold: float, reward_value: float, module_names: list[str]"
                + " -> discussion, advice: dict[str, str]");
    Map<String, String> descriptions =
        Map.ofEntries(
            Map.entry("program_code", "The code of the program that we are analyzing"),
            Map.entry(
                "modules_defn", "The definition of each module in the program, including its I/O"),
            Map.entry("program_inputs", "The inputs to the program that we are analyzing"),
            Map.entry(
                "program_trajectory",
                "The trajectory of the program's execution, showing each module's I/O"),
            Map.entry("program_outputs", "The outputs of the program that we are analyzing"),
            Map.entry("reward_code", "The code of the reward function that we are analyzing"),
            Map.entry("target_threshold", "The target threshold for the reward function"),
            Map.entry("reward_value", "The reward value assigned to the program's outputs"),
            Map.entry(
                "module_names",
                "The names of the modules in the program, for which we seek advice"),
            Map.entry("discussion", "Discussing blame of where each module went wrong, if it did"),
            // DSPy's text lacks a space in "kind ofscenario" (two string literals joined); kept.
            Map.entry(
                "advice",
                "For each module, describe very concretely, in this order: the specific scenarios in which"
                    + " it has made mistakes in the past and what each mistake was, followed by what it should do"
                    + " differently in that kind ofscenario in the future. If the module is not to blame, write N/A."));
    var fields = new ArrayList<Field>();
    for (Field f : parsed.fields()) fields.add(f.withDescription(descriptions.get(f.name())));
    return Signature.of(fields, INSTRUCTIONS);
  }

  /**
   * DSPy's {@code inspect_modules(program)}: for each named predictor, its input and output fields
   * (as the ChatAdapter describes them) and its instructions, between lines of 80 dashes.
   */
  public static String modulesDefinition(Map<String, Signature> predictors) {
    String separator = "-".repeat(80);
    var output = new ArrayList<String>();
    output.add(separator);
    predictors.forEach(
        (name, signature) -> {
          output.add("Module " + name);
          output.add("\n\tInput Fields:");
          output.add(tabbed(describe(signature.inputs())));
          output.add("\tOutput Fields:");
          output.add(tabbed(describe(signature.outputs())));
          output.add("\tOriginal Instructions: " + tabbed(PyText.dedent(signature.instructions())));
          output.add(separator);
        });
    var stripped = new ArrayList<String>();
    for (String o : output) stripped.add(stripNewlines(o));
    return String.join("\n", stripped);
  }

  /** Python's {@code ("\n" + "\t" * 2).join([""] + text.splitlines())}. */
  private static String tabbed(String text) {
    var sb = new StringBuilder();
    for (String line : PyText.splitlines(text)) sb.append("\n\t\t").append(line);
    return sb.toString();
  }

  /**
   * DSPy's {@code get_field_description_string}, the same lines the ChatAdapter's system message
   * lists: {@code 1. `name` (type): description}, joined and stripped.
   */
  private static String describe(List<Field> fields) {
    var lines = new ArrayList<String>();
    for (int i = 0; i < fields.size(); i++) {
      Field f = fields.get(i);
      lines.add((i + 1) + ". `" + f.name() + "` (" + f.type().dspyName() + "): " + f.description());
    }
    return PyText.strip(String.join("\n", lines));
  }

  /** Python's {@code s.strip("\n")}. */
  private static String stripNewlines(String s) {
    int a = 0;
    int b = s.length();
    while (a < b && s.charAt(a) == '\n') a++;
    while (b > a && s.charAt(b - 1) == '\n') b--;
    return s.substring(a, b);
  }
}
