package dev.dspy4j.test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The local gateway's "model": deterministic answers to DSPy-formatted prompts. It reads the output
 * field names (and types) from the adapter's closing instruction in the last user message and
 * answers each field with text derived from the first input, so a DSPy program parses the answer
 * exactly as it would parse a real model's. Anything else gets a plain-text reply.
 */
final class LocalAnswers {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final Pattern CHAT_REQUIREMENTS =
      Pattern.compile(
          "Respond with the corresponding output fields, starting with the field (.*?),? and then ending with the marker for `\\[\\[ ## completed ## \\]\\]`\\.",
          Pattern.DOTALL);
  private static final Pattern CHAT_FIELD =
      Pattern.compile(
          "`\\[\\[ ## (\\w+) ## \\]\\]`( \\(must be formatted as a valid Python (.+?)\\))?(?=, then |,? and then|$)");
  private static final Pattern JSON_REQUIREMENTS =
      Pattern.compile(
          "Respond with a JSON object in the following order of fields: (.*)\\.\\s*$",
          Pattern.MULTILINE);
  private static final Pattern JSON_FIELD =
      Pattern.compile("`(\\w+)`( \\(must be formatted as a valid Python (.+?)\\))?(?=, then |$)");
  private static final Pattern INPUT_BLOCK =
      Pattern.compile(
          "\\[\\[ ## (\\w+) ## \\]\\]\\n(.*?)(?=\\n\\n\\[\\[ ## |\\n\\nRespond with |$)",
          Pattern.DOTALL);
  private static final Pattern FIRST_LITERAL = Pattern.compile("Literal\\[\\s*(['\"])(.*?)\\1");

  /** An output field the prompt asks for, with its DSPy type name ({@code str} when untyped). */
  record OutputField(String name, String type) {}

  private LocalAnswers() {}

  /** The assistant's reply to these chat messages (OpenAI {@code messages} array). */
  static String reply(JsonNode messages) {
    String user = lastUserText(messages);
    Map<String, String> inputs = inputs(user);
    String subject = inputs.values().stream().findFirst().orElse(user.strip());

    Matcher chat = CHAT_REQUIREMENTS.matcher(user);
    if (chat.find()) {
      List<OutputField> fields = fields(CHAT_FIELD, chat.group(1));
      if (fields.stream().anyMatch(f -> f.name().equals("next_tool_name"))) {
        return AgentStep.reply(systemText(messages), user, inputs, fields);
      }
      var out = new StringBuilder();
      for (OutputField field : fields) {
        out.append("[[ ## ")
            .append(field.name())
            .append(" ## ]]\n")
            .append(valueText(field, subject))
            .append("\n\n");
      }
      return out.append("[[ ## completed ## ]]").toString();
    }
    Matcher json = JSON_REQUIREMENTS.matcher(user);
    if (json.find()) {
      ObjectNode object = JSON.createObjectNode();
      for (OutputField field : fields(JSON_FIELD, json.group(1).strip())) {
        object.set(field.name(), value(field, subject));
      }
      return object.toPrettyString();
    }
    return "Hello from the dspy4j local gateway (a stand-in for the Helicone AI Gateway; no model was called). You said: \""
        + user.strip()
        + "\"";
  }

  /** The output fields named by a DSPy adapter's instruction, in order. */
  static List<OutputField> fields(Pattern fieldPattern, String requirements) {
    var fields = new ArrayList<OutputField>();
    Matcher m = fieldPattern.matcher(requirements);
    while (m.find()) {
      fields.add(new OutputField(m.group(1), m.group(3) == null ? "str" : m.group(3)));
    }
    return fields;
  }

  /** The {@code [[ ## name ## ]]} input blocks of a DSPy user message, in order. */
  static Map<String, String> inputs(String user) {
    var inputs = new LinkedHashMap<String, String>();
    Matcher m = INPUT_BLOCK.matcher(user);
    while (m.find()) {
      inputs.putIfAbsent(m.group(1), m.group(2).strip());
    }
    return inputs;
  }

  private static String valueText(OutputField field, String subject) {
    JsonNode value = value(field, subject);
    if (value.isTextual()) {
      return value.asText();
    }
    if (value.isBoolean()) {
      return value.asBoolean() ? "True" : "False";
    }
    return value.toString();
  }

  private static JsonNode value(OutputField field, String subject) {
    String type = field.type().strip();
    var nodes = JSON.getNodeFactory();
    if (type.equals("str")) {
      return nodes.textNode(text(field.name(), subject));
    }
    if (type.equals("int")) {
      return nodes.numberNode(subject.split("\\s+").length);
    }
    if (type.equals("float")) {
      return nodes.numberNode(0.9);
    }
    if (type.equals("bool")) {
      return nodes.booleanNode(true);
    }
    Matcher literal = FIRST_LITERAL.matcher(type);
    if (literal.find()) {
      return nodes.textNode(literal.group(2));
    }
    if (type.startsWith("list[")) {
      return nodes.arrayNode().add(text(field.name(), subject));
    }
    return nodes.objectNode();
  }

  private static String text(String field, String subject) {
    if (field.equals("reasoning")) {
      return "Let's think step by step. The question is \""
          + subject
          + "\". This reply comes from the dspy4j local gateway, which answers without a model, "
          + "deterministically, so that the examples run offline.";
    }
    return "A deterministic "
        + field.replace('_', ' ')
        + " from the local gateway to \""
        + subject
        + "\".";
  }

  private static String systemText(JsonNode messages) {
    return messages.size() > 0 && "system".equals(messages.get(0).path("role").asText())
        ? contentText(messages.get(0).path("content"))
        : "";
  }

  private static String lastUserText(JsonNode messages) {
    for (int i = messages.size() - 1; i >= 0; i--) {
      JsonNode message = messages.get(i);
      if ("user".equals(message.path("role").asText())) {
        return contentText(message.path("content"));
      }
    }
    return messages.size() == 0
        ? ""
        : contentText(messages.get(messages.size() - 1).path("content"));
  }

  private static String contentText(JsonNode content) {
    if (content.isTextual()) {
      return content.asText();
    }
    var text = new StringBuilder();
    for (JsonNode part : content) {
      if ("text".equals(part.path("type").asText())) {
        text.append(part.path("text").asText());
      }
    }
    return text.toString();
  }

  /**
   * The reply cut into OpenAI-like tokens: each piece starts at a whitespace run, so markers split.
   */
  static List<String> tokens(String text) {
    return List.of(text.split("(?<=\\S)(?=\\s)"));
  }
}
