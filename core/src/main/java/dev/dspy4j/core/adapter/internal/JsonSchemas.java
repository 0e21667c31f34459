package dev.dspy4j.core.adapter.internal;

import dev.dspy4j.core.signature.Field;
import dev.dspy4j.core.signature.FieldType;
import dev.dspy4j.core.signature.JavaTypes;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * JSON schemas of field types as pydantic generates them ({@code TypeAdapter(t).json_schema()}):
 * records become objects with titled properties, a {@code required} list and {@code $defs} for
 * nested records and enums. {@link #forPrompt} then orders keys as DSPy does ("type" first, the
 * rest alphabetical, recursively).
 */
public final class JsonSchemas {

  private static final Comparator<String> TYPE_FIRST =
      Comparator.comparing((String k) -> !k.equals("type"))
          .thenComparing(Comparator.naturalOrder());

  private JsonSchemas() {}

  /** The schema DSPy puts in a prompt note, with its key order. */
  public static Map<String, Object> forPrompt(FieldType type) {
    var defs = new LinkedHashMap<String, Object>();
    var schema =
        type instanceof FieldType.Structured st
            ? recordSchema(st.type(), defs)
            : schema(type, defs);
    if (!defs.isEmpty()) schema.put("$defs", defs);
    @SuppressWarnings("unchecked")
    var sorted = (Map<String, Object>) typeFirst(schema);
    return sorted;
  }

  /**
   * pydantic's {@code TypeAdapter(t).json_schema()} in pydantic's key order, with every {@code
   * $ref} replaced by its definition and no {@code $defs} (DSPy's {@code
   * _resolve_json_schema_reference}, as a tool's argument schemas are written).
   */
  public static Map<String, Object> inlined(FieldType type) {
    var defs = new LinkedHashMap<String, Object>();
    var schema =
        type instanceof FieldType.Structured st
            ? recordSchema(st.type(), defs)
            : schema(type, defs);
    @SuppressWarnings("unchecked")
    var resolved = (Map<String, Object>) resolveRefs(schema, defs);
    return resolved;
  }

  @SuppressWarnings("unchecked")
  private static Object resolveRefs(Object node, Map<String, Object> defs) {
    if (node instanceof Map<?, ?> m) {
      Object ref = m.get("$ref");
      if (ref instanceof String r && r.startsWith("#/$defs/")) {
        return resolveRefs(defs.get(r.substring("#/$defs/".length())), defs);
      }
      var out = new LinkedHashMap<String, Object>();
      ((Map<String, Object>) m)
          .forEach(
              (k, v) -> {
                if (!k.equals("$defs")) out.put(k, resolveRefs(v, defs));
              });
      return out;
    }
    if (node instanceof List<?> l) {
      var out = new ArrayList<Object>();
      l.forEach(v -> out.add(resolveRefs(v, defs)));
      return out;
    }
    return node;
  }

  /**
   * The OpenAI {@code response_format} for JSON-adapter structured outputs: a json_schema named
   * {@code DSPyProgramOutputs} whose objects all list every property as required and forbid
   * additional properties (as DSPy's {@code _get_structured_outputs_response_format}).
   */
  public static Map<String, Object> structuredOutputs(List<Field> outputs) {
    var defs = new LinkedHashMap<String, Object>();
    var props = new LinkedHashMap<String, Object>();
    for (var f : outputs) {
      var s = schema(f.type(), defs);
      if (titled(f.type())) s.put("title", title(f.name()));
      props.put(f.name(), s);
    }
    var schema = new LinkedHashMap<String, Object>();
    if (!defs.isEmpty()) schema.put("$defs", defs);
    schema.put("properties", props);
    schema.put("required", new ArrayList<>(props.keySet()));
    schema.put("title", "DSPyProgramOutputs");
    schema.put("type", "object");
    enforceRequired(schema);
    var jsonSchema = new LinkedHashMap<String, Object>();
    jsonSchema.put("name", "DSPyProgramOutputs");
    jsonSchema.put("strict", true);
    jsonSchema.put("schema", schema);
    var format = new LinkedHashMap<String, Object>();
    format.put("type", "json_schema");
    format.put("json_schema", jsonSchema);
    return format;
  }

  @SuppressWarnings("unchecked")
  private static void enforceRequired(Map<String, Object> part) {
    if ("object".equals(part.get("type"))) {
      var props = (Map<String, Object>) part.get("properties");
      if (props != null) {
        part.put("required", new ArrayList<>(props.keySet()));
        part.put("additionalProperties", false);
        props
            .values()
            .forEach(
                v -> {
                  if (v instanceof Map) enforceRequired((Map<String, Object>) v);
                });
      } else { // DSPy overwrites an open mapping's additionalProperties too
        part.put("properties", new LinkedHashMap<>());
        part.put("required", List.of());
        part.put("additionalProperties", false);
      }
    }
    if ("array".equals(part.get("type")) && part.get("items") instanceof Map) {
      enforceRequired((Map<String, Object>) part.get("items"));
    }
    if (part.get("$defs") instanceof Map<?, ?> defs) {
      defs.values().forEach(v -> enforceRequired((Map<String, Object>) v));
    }
  }

  private static LinkedHashMap<String, Object> schema(FieldType type, Map<String, Object> defs) {
    var s = new LinkedHashMap<String, Object>();
    if (type instanceof FieldType.Str) {
      s.put("type", "string");
    } else if (type instanceof FieldType.Int) {
      s.put("type", "integer");
    } else if (type instanceof FieldType.Float) {
      s.put("type", "number");
    } else if (type instanceof FieldType.Bool) {
      s.put("type", "boolean");
    } else if (type instanceof FieldType.ListOf l) {
      s.put("items", schema(l.element(), defs));
      s.put("type", "array");
    } else if (type instanceof FieldType.DictOf d) {
      // pydantic writes `true` rather than `{}` for dict[str, Any]
      s.put(
          "additionalProperties",
          d.value() instanceof FieldType.AnyType ? (Object) true : schema(d.value(), defs));
      s.put("type", "object");
    } else if (type instanceof FieldType.OptionalOf o) {
      var nul = new LinkedHashMap<String, Object>();
      nul.put("type", "null");
      s.put("anyOf", List.of(schema(o.inner(), defs), nul));
    } else if (type instanceof FieldType.LiteralOf lit) {
      if (lit.enumType() != null) {
        String name = lit.enumType().getSimpleName();
        var def = new LinkedHashMap<String, Object>();
        def.put("enum", lit.values());
        def.put("title", name);
        def.put("type", "string");
        defs.putIfAbsent(name, def);
        s.put("$ref", "#/$defs/" + name);
      } else {
        s.put("enum", lit.values());
        s.put("type", "string");
      }
    } else if (type instanceof FieldType.Structured st) {
      String name = st.type().getSimpleName();
      if (!defs.containsKey(name)) {
        defs.put(name, Map.of()); // placeholder against recursive records
        defs.put(name, recordSchema(st.type(), defs));
      }
      s.put("$ref", "#/$defs/" + name);
    } else if (type instanceof FieldType.HistoryType) {
      s.put("type", "object");
    }
    return s;
  }

  private static LinkedHashMap<String, Object> recordSchema(
      Class<?> type, Map<String, Object> defs) {
    var props = new LinkedHashMap<String, Object>();
    var required = new ArrayList<String>();
    for (RecordComponent c : type.getRecordComponents()) {
      FieldType ft = JavaTypes.fieldType(c.getGenericType());
      LinkedHashMap<String, Object> p = schema(ft, defs);
      if (titled(ft)) p.put("title", title(c.getName()));
      if (ft.isOptional()) p.put("default", null);
      else required.add(c.getName());
      props.put(c.getName(), p);
    }
    var s = new LinkedHashMap<String, Object>();
    s.put("properties", props);
    if (!required.isEmpty()) s.put("required", required);
    s.put("title", type.getSimpleName());
    s.put("type", "object");
    return s;
  }

  /**
   * pydantic's {@code field_title_should_be_set}: a field whose type is a model or an enum (also
   * when Optional) is a reference and gets no title of its own.
   */
  private static boolean titled(FieldType type) {
    if (type instanceof FieldType.OptionalOf o) return titled(o.inner());
    if (type instanceof FieldType.Structured) return false;
    return !(type instanceof FieldType.LiteralOf lit && lit.enumType() != null);
  }

  /** pydantic's default title: words split on '_', each capitalised. */
  static String title(String name) {
    var out = new StringBuilder();
    for (String w : name.split("_", -1)) {
      if (out.length() > 0) out.append(' ');
      if (!w.isEmpty())
        out.append(Character.toUpperCase(w.charAt(0)))
            .append(w.substring(1).toLowerCase(java.util.Locale.ROOT));
    }
    return out.toString();
  }

  private static Object typeFirst(Object v) {
    if (v instanceof Map<?, ?> m) {
      var sorted = new TreeMap<String, Object>(TYPE_FIRST);
      m.forEach((k, val) -> sorted.put((String) k, typeFirst(val)));
      return new LinkedHashMap<>(sorted);
    }
    if (v instanceof List<?> l) return l.stream().map(JsonSchemas::typeFirst).toList();
    return v;
  }
}
