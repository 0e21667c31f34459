package dev.dspy4j.test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;

/** Prompts exactly as DSPy's adapters write them (see the DSPy semantics reference). */
final class DspyPrompts {

  static final ObjectMapper JSON = new ObjectMapper();

  static final String COT_SYSTEM =
      "Your input fields are:\n1. `question` (str):\nYour output fields are:\n1. `reasoning` (str): \n2. `answer` (str):\n"
          + "All interactions will be structured in the following way, with the appropriate values filled in.\n\n"
          + "[[ ## question ## ]]\n{question}\n\n[[ ## reasoning ## ]]\n{reasoning}\n\n[[ ## answer ## ]]\n{answer}\n\n"
          + "[[ ## completed ## ]]\nIn adhering to this structure, your objective is: \n"
          + "        Given the fields `question`, produce the fields `answer`.";

  static String cotUser(String question) {
    return "[[ ## question ## ]]\n"
        + question
        + "\n\n"
        + "Respond with the corresponding output fields, starting with the field `[[ ## reasoning ## ]]`, then "
        + "`[[ ## answer ## ]]`, and then ending with the marker for `[[ ## completed ## ]]`.";
  }

  static ArrayNode messages(String system, String user) {
    ArrayNode messages = JSON.createArrayNode();
    messages.addObject().put("role", "system").put("content", system);
    messages.addObject().put("role", "user").put("content", user);
    return messages;
  }

  static String chatBody(String model, boolean stream, ArrayNode messages) {
    var body = JSON.createObjectNode().put("model", model);
    body.set("messages", messages);
    if (stream) {
      body.put("stream", true);
    }
    return body.toString();
  }

  private DspyPrompts() {}
}
