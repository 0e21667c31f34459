package dev.dspy4j.core.adapter.fidelity;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.core.adapter.internal.JavaConversion;
import dev.dspy4j.core.lm.Message;
import dev.dspy4j.core.signature.Field;
import dev.dspy4j.core.signature.FieldType;
import dev.dspy4j.core.signature.History;
import dev.dspy4j.core.signature.JavaTypes;
import dev.dspy4j.core.signature.Signature;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.RecordComponent;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the cases {@code tools/dspy-goldens/gen_fidelity.py} generated with real DSPy and turns
 * their neutral descriptions (type trees, tagged values) into dspy4j signatures and Java values.
 * The records and the enum below mirror the pydantic models and the Enum of the generator.
 */
final class FidelityCases {

  /** {@code class Status(enum.Enum)} of the generator; constant names equal the Python values. */
  enum Status {
    active,
    inactive,
    pending
  }

  record Point(long x, long y) {}

  record Person(String name, long age, Optional<String> email) {}

  record Item(String name, double price, List<String> tags) {}

  record Order(long id, Person customer, List<Item> items, Status status) {}

  private static final Map<String, Class<?>> MODELS =
      Map.of(
          "Point", Point.class, "Person", Person.class, "Item", Item.class, "Order", Order.class);

  static final ObjectMapper MAPPER =
      new ObjectMapper().enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS);

  private FidelityCases() {}

  static List<JsonNode> load(String file) {
    String path = "/dspy-goldens/fidelity/" + file;
    try (InputStream in = FidelityCases.class.getResourceAsStream(path)) {
      if (in == null) throw new IllegalStateException("missing golden file " + path);
      var out = new ArrayList<JsonNode>();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (!line.isBlank()) out.add(MAPPER.readTree(line));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The signature a case describes: fields with type trees and descriptions, and instructions. */
  static Signature signature(JsonNode sig) {
    var fields = new ArrayList<Field>();
    for (JsonNode f : sig.get("fields")) {
      var role = f.get("role").asText().equals("input") ? Field.Role.INPUT : Field.Role.OUTPUT;
      fields.add(
          new Field(f.get("name").asText(), type(f.get("type")), f.get("desc").asText(), role));
    }
    JsonNode instructions = sig.get("instructions");
    return instructions == null || instructions.isNull()
        ? Signature.of(fields)
        : Signature.of(fields, instructions.asText());
  }

  static FieldType type(JsonNode t) {
    if (t.isTextual()) {
      return switch (t.asText()) {
        case "History" -> FieldType.HISTORY;
        case "str" -> FieldType.STR;
        case "int" -> FieldType.INT;
        case "float" -> FieldType.FLOAT;
        case "bool" -> FieldType.BOOL;
        case "Any" -> FieldType.ANY;
        default -> throw new IllegalArgumentException("unknown type " + t);
      };
    }
    var e = t.properties().iterator().next();
    JsonNode arg = e.getValue();
    return switch (e.getKey()) {
      case "list" -> FieldType.listOf(type(arg));
      case "dict" -> FieldType.dictOf(type(arg));
      case "optional" -> FieldType.optional(type(arg));
      case "literal" -> {
        var values = new ArrayList<String>();
        arg.forEach(v -> values.add(v.asText()));
        yield FieldType.literal(values);
      }
      case "model" -> JavaTypes.fieldType(model(arg.asText()));
      case "enum" -> JavaTypes.fieldType(Status.class);
      default -> throw new IllegalArgumentException("unknown type " + t);
    };
  }

  private static Class<?> model(String name) {
    Class<?> c = MODELS.get(name);
    if (c == null) throw new IllegalArgumentException("unknown model " + name);
    return c;
  }

  /** The Java value of a neutral value: tuples become Object[], models records, floats Double. */
  static Object value(JsonNode v) {
    if (v == null || v.isNull()) return null;
    if (v.isBoolean()) return v.booleanValue();
    if (v.isIntegralNumber()) {
      BigInteger b = v.bigIntegerValue();
      return b.bitLength() < 64 ? (Object) b.longValue() : b;
    }
    if (v.isTextual()) return v.asText();
    if (v.isArray()) {
      var out = new ArrayList<Object>();
      v.forEach(x -> out.add(value(x)));
      return out;
    }
    if (v.has("$float")) return pyFloat(v.get("$float").asText());
    if (v.has("$tuple")) return ((List<?>) value(v.get("$tuple"))).toArray();
    if (v.has("$history")) {
      var turns = new ArrayList<Map<String, Object>>();
      v.get("$history").forEach(m -> turns.add(values(m)));
      return new History(turns);
    }
    if (v.has("$enum")) return Status.valueOf(v.get("value").asText());
    if (v.has("$model")) {
      return JavaConversion.convert(value(v.get("fields")), model(v.get("$model").asText()));
    }
    var out = new LinkedHashMap<String, Object>();
    for (Iterator<Map.Entry<String, JsonNode>> it = v.properties().iterator(); it.hasNext(); ) {
      var e = it.next();
      out.put(e.getKey(), value(e.getValue()));
    }
    return out;
  }

  static double pyFloat(String repr) {
    return switch (repr) {
      case "inf" -> Double.POSITIVE_INFINITY;
      case "-inf" -> Double.NEGATIVE_INFINITY;
      case "nan" -> Double.NaN;
      default -> Double.parseDouble(repr);
    };
  }

  /** Field name to Java value, keeping nulls (a None value is not a missing one). */
  static Map<String, Object> values(JsonNode object) {
    var out = new LinkedHashMap<String, Object>();
    for (Iterator<Map.Entry<String, JsonNode>> it = object.properties().iterator();
        it.hasNext(); ) {
      var e = it.next();
      out.put(e.getKey(), value(e.getValue()));
    }
    return out;
  }

  static List<Message> messages(JsonNode list) {
    var out = new ArrayList<Message>();
    for (JsonNode m : list) out.add(new Message(m.get("role").asText(), m.get("content").asText()));
    return out;
  }

  /**
   * A canonical text of a parsed value, equal for equal values on both sides: numbers by exact
   * value (a whole number and a float differ), records and enums by type and content, Optionals
   * unwrapped, map order kept.
   */
  static String canonical(Object v) {
    var sb = new StringBuilder();
    canonical(sb, v);
    return sb.toString();
  }

  private static void canonical(StringBuilder sb, Object v) {
    if (v instanceof Optional<?> o) v = o.orElse(null);
    if (v == null) {
      sb.append("None");
    } else if (v instanceof String s) {
      sb.append('"')
          .append(s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n"))
          .append('"');
    } else if (v instanceof Boolean b) {
      sb.append(b ? "True" : "False");
    } else if (v instanceof Long || v instanceof Integer || v instanceof BigInteger) {
      sb.append("int:").append(v);
    } else if (v instanceof Double d) {
      sb.append("float:").append(d);
    } else if (v instanceof Enum<?> e) {
      sb.append(e.getDeclaringClass().getSimpleName()).append('.').append(e.name());
    } else if (v instanceof List<?> l) {
      sb.append('[');
      for (int i = 0; i < l.size(); i++) {
        if (i > 0) sb.append(", ");
        canonical(sb, l.get(i));
      }
      sb.append(']');
    } else if (v instanceof Map<?, ?> m) {
      sb.append('{');
      boolean first = true;
      for (var e : m.entrySet()) {
        if (!first) sb.append(", ");
        first = false;
        canonical(sb, String.valueOf(e.getKey()));
        sb.append(": ");
        canonical(sb, e.getValue());
      }
      sb.append('}');
    } else if (v.getClass().isRecord()) {
      sb.append(v.getClass().getSimpleName()).append('(');
      boolean first = true;
      for (RecordComponent c : v.getClass().getRecordComponents()) {
        if (!first) sb.append(", ");
        first = false;
        sb.append(c.getName()).append('=');
        try {
          var accessor = c.getAccessor();
          accessor.setAccessible(true);
          canonical(sb, accessor.invoke(v));
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException(e);
        }
      }
      sb.append(')');
    } else {
      sb.append(v.getClass().getSimpleName()).append(':').append(v);
    }
  }
}
