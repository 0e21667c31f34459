package dev.dspy4j.core.signature;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses a Python type annotation of a string signature: {@code str}, {@code int}, {@code float},
 * {@code bool}, {@code list[T]}, {@code dict[str, T]}, {@code Optional[T]}, {@code T | None},
 * {@code Literal['a', 'b']}, {@code History}.
 */
final class TypeExpression {

  private final String s;
  private int i;

  private TypeExpression(String s) {
    this.s = s;
  }

  static FieldType parse(String text) {
    var p = new TypeExpression(text);
    var t = p.union();
    p.skipWs();
    if (p.i != text.length()) {
      throw new IllegalArgumentException(
          "unexpected '" + text.substring(p.i) + "' in type '" + text + "'");
    }
    return t;
  }

  private FieldType union() {
    FieldType first = primary();
    boolean optional = false;
    skipWs();
    while (peek('|')) {
      i++;
      skipWs();
      int at = i;
      String name = identifier();
      if (!name.equals("None")) {
        throw new IllegalArgumentException(
            "only 'T | None' unions are supported, found '"
                + s.substring(at)
                + "' in type '"
                + s
                + "'");
      }
      optional = true;
      skipWs();
    }
    return optional ? FieldType.optional(first) : first;
  }

  private FieldType primary() {
    skipWs();
    int at = i;
    String name = identifier();
    if (name.startsWith("typing.")) name = name.substring("typing.".length());
    if (name.startsWith("dspy.")) name = name.substring("dspy.".length());
    switch (name) {
      case "str":
        return FieldType.STR;
      case "int":
        return FieldType.INT;
      case "float":
        return FieldType.FLOAT;
      case "bool":
        return FieldType.BOOL;
      case "History":
        return FieldType.HISTORY;
      case "Any":
        return FieldType.ANY;
      case "list":
      case "List":
        {
          var args = args(name);
          if (args.size() != 1)
            throw new IllegalArgumentException(name + "[...] takes one type, in '" + s + "'");
          return FieldType.listOf(args.get(0));
        }
      case "dict":
      case "Dict":
        {
          var args = args(name);
          if (args.size() != 2 || !(args.get(0) instanceof FieldType.Str)) {
            throw new IllegalArgumentException(name + "[...] must be dict[str, T] in '" + s + "'");
          }
          return FieldType.dictOf(args.get(1));
        }
      case "Optional":
        {
          var args = args(name);
          if (args.size() != 1)
            throw new IllegalArgumentException("Optional[...] takes one type, in '" + s + "'");
          return FieldType.optional(args.get(0));
        }
      case "Literal":
        return literal();
      default:
        throw new IllegalArgumentException(
            "unknown type '"
                + s.substring(at, i)
                + "' (known: str, int, float, bool, list[T], dict[str, T],"
                + " Optional[T], T | None, Literal['a', 'b'], Any, History)");
    }
  }

  private List<FieldType> args(String name) {
    skipWs();
    if (!peek('['))
      throw new IllegalArgumentException(name + " needs type arguments, e.g. " + name + "[str]");
    i++;
    var out = new ArrayList<FieldType>();
    while (true) {
      out.add(union());
      skipWs();
      if (peek(',')) {
        i++;
        continue;
      }
      if (peek(']')) {
        i++;
        return out;
      }
      throw new IllegalArgumentException(
          "expected ',' or ']' at '" + s.substring(i) + "' in type '" + s + "'");
    }
  }

  private FieldType literal() {
    skipWs();
    if (!peek('['))
      throw new IllegalArgumentException("Literal needs values, e.g. Literal['yes', 'no']");
    i++;
    var values = new ArrayList<String>();
    while (true) {
      skipWs();
      if (i >= s.length() || (s.charAt(i) != '\'' && s.charAt(i) != '"')) {
        throw new IllegalArgumentException("Literal values must be quoted strings, in '" + s + "'");
      }
      char q = s.charAt(i++);
      var sb = new StringBuilder();
      while (i < s.length() && s.charAt(i) != q) {
        char c = s.charAt(i++);
        if (c == '\\' && i < s.length()) c = s.charAt(i++);
        sb.append(c);
      }
      if (i >= s.length()) throw new IllegalArgumentException("unterminated string in '" + s + "'");
      i++;
      values.add(sb.toString());
      skipWs();
      if (peek(',')) {
        i++;
        continue;
      }
      if (peek(']')) {
        i++;
        return FieldType.literal(values);
      }
      throw new IllegalArgumentException("expected ',' or ']' in Literal '" + s + "'");
    }
  }

  private String identifier() {
    int start = i;
    while (i < s.length()
        && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_' || s.charAt(i) == '.')) {
      i++;
    }
    if (start == i) {
      throw new IllegalArgumentException(
          "expected a type name at '" + s.substring(start) + "' in type '" + s + "'");
    }
    return s.substring(start, i);
  }

  private boolean peek(char c) {
    return i < s.length() && s.charAt(i) == c;
  }

  private void skipWs() {
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
  }
}
