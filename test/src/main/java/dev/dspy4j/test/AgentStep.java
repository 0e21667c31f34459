package dev.dspy4j.test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The local gateway playing a deterministic ReAct agent: step {@code k} calls the {@code k}-th tool
 * of the prompt's tool list (then {@code finish}), with arguments made from the question (a string
 * argument gets the question's first capitalised word after its first word, a number the earlier
 * numeric observations in order, else 1), so a ReAct program runs offline through every tool.
 */
final class AgentStep {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern LITERAL_VALUE = Pattern.compile("'([^']*)'");
  private static final Pattern ARG = Pattern.compile("'(\\w+)': \\{[^{}]*?'type': '(\\w+)'");
  private static final Pattern OBSERVATION =
      Pattern.compile("\\[\\[ ## observation_\\d+ ## \\]\\]\\n(-?\\d+(?:\\.\\d+)?)\\n");
  private static final Pattern NAME = Pattern.compile("\\b([A-Z][a-z]+)\\b");

  private AgentStep() {}

  static String reply(
      String system,
      String user,
      Map<String, String> inputs,
      List<LocalAnswers.OutputField> fields) {
    LocalAnswers.OutputField nameField =
        fields.stream().filter(f -> f.name().equals("next_tool_name")).findFirst().orElseThrow();
    var tools = new ArrayList<String>();
    Matcher lit = LITERAL_VALUE.matcher(nameField.type());
    while (lit.find()) tools.add(lit.group(1));
    int step = countOf(user, "[[ ## tool_name_");
    String tool = tools.isEmpty() ? "finish" : tools.get(Math.min(step, tools.size() - 1));
    String question = inputs.values().stream().findFirst().orElse("");

    var out = new StringBuilder();
    for (LocalAnswers.OutputField field : fields) {
      String value =
          switch (field.name()) {
            case "next_thought" ->
                tool.equals("finish")
                    ? "I have what I need to answer."
                    : "Step " + (step + 1) + ": I will call " + tool + ".";
            case "next_tool_name" -> tool;
            case "next_tool_args" -> arguments(system, tool, question, user).toString();
            default -> "";
          };
      out.append("[[ ## ").append(field.name()).append(" ## ]]\n").append(value).append("\n\n");
    }
    return out.append("[[ ## completed ## ]]").toString();
  }

  private static ObjectNode arguments(String system, String tool, String question, String user) {
    ObjectNode args = JSON.createObjectNode();
    int at = system.indexOf(") " + tool + ",");
    if (at < 0) at = system.indexOf(") " + tool + " ");
    if (at < 0 || tool.equals("finish")) return args;
    int end = system.indexOf('\n', at);
    String line = system.substring(at, end < 0 ? system.length() : end);
    int argsAt = line.indexOf("It takes arguments ");
    if (argsAt < 0) return args;
    var numbers = new ArrayList<Double>();
    Matcher obs = OBSERVATION.matcher(user);
    while (obs.find()) numbers.add(Double.parseDouble(obs.group(1)));
    String word = question;
    Matcher name = NAME.matcher(question);
    while (name.find()) {
      if (name.start() > 0) {
        word = name.group(1);
        break;
      }
    }
    int n = 0;
    Matcher arg = ARG.matcher(line.substring(argsAt));
    while (arg.find()) {
      switch (arg.group(2)) {
        case "string" -> args.put(arg.group(1), word);
        case "integer" ->
            args.put(arg.group(1), n < numbers.size() ? (long) (double) numbers.get(n++) : 1L);
        case "number" -> args.put(arg.group(1), n < numbers.size() ? numbers.get(n++) : 1.0);
        case "boolean" -> args.put(arg.group(1), true);
        default -> args.put(arg.group(1), word);
      }
    }
    return args;
  }

  private static int countOf(String text, String needle) {
    int count = 0;
    for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) count++;
    return count;
  }
}
