package dev.dspy4j.core.signature;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Parses DSPy's string signatures; every error names the problem and its 0-based position. */
final class SignatureParser {

  private final String text;

  private SignatureParser(String text) {
    this.text = text;
  }

  /** Returns [inputs, outputs]. */
  static List<List<Field>> parse(String text) {
    return new SignatureParser(text).parse();
  }

  private List<List<Field>> parse() {
    int arrow = text.indexOf("->");
    if (arrow < 0) {
      throw error("missing '->' between inputs and outputs", 0);
    }
    int second = text.indexOf("->", arrow + 2);
    if (second >= 0) {
      throw error("more than one '->'", second);
    }
    var ins = side(0, arrow, Field.Role.INPUT);
    var outs = side(arrow + 2, text.length(), Field.Role.OUTPUT);
    Map<String, Integer> seen = new HashMap<>();
    for (var f : ins) seen.put(f.name(), 0);
    for (var f : outs) {
      if (seen.containsKey(f.name())) {
        throw error(
            "field '" + f.name() + "' is both an input and an output",
            text.indexOf(f.name(), arrow));
      }
    }
    return List.of(ins, outs);
  }

  private List<Field> side(int start, int end, Field.Role role) {
    String what = role == Field.Role.INPUT ? "inputs" : "outputs";
    if (text.substring(start, end).isBlank()) {
      throw error("no " + what + " (empty side of '->')", start);
    }
    var fields = new ArrayList<Field>();
    var names = new HashMap<String, Integer>();
    int depth = 0;
    int partStart = start;
    char quote = 0;
    for (int i = start; i <= end; i++) {
      boolean atEnd = i == end;
      char c = atEnd ? ',' : text.charAt(i);
      if (quote != 0 && !atEnd) {
        if (c == quote) quote = 0;
        continue;
      }
      if (c == '\'' || c == '"') quote = c;
      else if (c == '[') depth++;
      else if (c == ']') depth--;
      else if (c == ',' && (depth == 0 || atEnd)) {
        var f = field(partStart, i, role);
        if (names.put(f.name(), partStart) != null) {
          throw error(
              "duplicate field '" + f.name() + "' in " + what, partStart + leading(partStart, i));
        }
        fields.add(f);
        partStart = i + 1;
      }
    }
    return fields;
  }

  private int leading(int start, int end) {
    int n = 0;
    while (start + n < end && Character.isWhitespace(text.charAt(start + n))) n++;
    return n;
  }

  private Field field(int start, int end, Field.Role role) {
    String part = text.substring(start, end);
    if (part.isBlank()) {
      throw error("empty field name", start);
    }
    int pos = start + leading(start, end);
    int colon = part.indexOf(':');
    String name = (colon < 0 ? part : part.substring(0, colon)).strip();
    if (!Field.isIdentifier(name)) {
      throw error(
          "'"
              + name
              + "' is not a valid field name (letters, digits and _, not starting with a digit)",
          pos);
    }
    FieldType type = FieldType.STR;
    if (colon >= 0) {
      String typeText = part.substring(colon + 1);
      int typePos = start + colon + 1;
      if (typeText.isBlank()) {
        throw error("missing type after ':' for field '" + name + "'", typePos);
      }
      try {
        type = TypeExpression.parse(typeText.strip());
      } catch (IllegalArgumentException e) {
        int lead = 0;
        while (Character.isWhitespace(typeText.charAt(lead))) lead++;
        throw error(e.getMessage() + " for field '" + name + "'", typePos + lead);
      }
    }
    return new Field(name, type, "", role);
  }

  private IllegalArgumentException error(String problem, int position) {
    return new IllegalArgumentException(
        "Invalid signature \"" + text + "\": " + problem + " at position " + position);
  }
}
