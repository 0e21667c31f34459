package dev.dspy4j.core.program;

import dev.dspy4j.core.predict.ChainOfThought;
import dev.dspy4j.core.predict.Module;
import dev.dspy4j.core.predict.Predict;
import dev.dspy4j.core.predict.TypedPredict;
import java.lang.reflect.Array;
import java.lang.reflect.InaccessibleObjectException;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Finds a program's predictors and their names as DSPy's {@code named_predictors()} does: a bare
 * {@link Predict} is {@code self}; a {@link ChainOfThought}'s own predictor is {@code predict};
 * otherwise the program's instance fields, superclass fields first, each in declaration order:
 *
 * <ul>
 *   <li>a Predict (or a {@link TypedPredict}'s Predict) under the field's name;
 *   <li>a nested {@link Module} contributes its own named predictors as {@code field.name};
 *   <li>a {@link List} or array as {@code field[i]}, a {@link Map} as {@code field['key']}, each
 *       element a Predict or a Module (not nested further, as in DSPy);
 * </ul>
 *
 * The field's name is its camelCase Java name in snake_case ({@code generateAnswer} becomes {@code
 * generate_answer}) unless {@link DspyName} gives it. A predictor reachable twice keeps its first
 * name. Static and synthetic fields are skipped; a lambda has no named predictors.
 */
public final class NamedPredictors {

  private static final Pattern UPPER_AFTER_LOWER = Pattern.compile("([a-z0-9])([A-Z])");
  private static final Pattern UPPER_BEFORE_WORD = Pattern.compile("([A-Z])([A-Z][a-z])");

  private NamedPredictors() {}

  /**
   * The program's predictors by DSPy name, in DSPy's order; the values are the program's own
   * Predict objects.
   *
   * @throws IllegalStateException when a field of the program cannot be read (a module that does
   *     not open its package to dspy4j); override {@code namedPredictors()} then
   */
  public static Map<String, Predict> of(Module program) {
    Objects.requireNonNull(program, "program must not be null");
    var out = new LinkedHashMap<String, Predict>();
    var seen = Collections.newSetFromMap(new IdentityHashMap<Object, Boolean>());
    if (program instanceof Predict p) {
      out.put("self", p);
      return Collections.unmodifiableMap(out);
    }
    if (program instanceof ChainOfThought cot) {
      out.put("predict", cot.predict());
      return Collections.unmodifiableMap(out);
    }
    var modules = Collections.newSetFromMap(new IdentityHashMap<Object, Boolean>());
    modules.add(program);
    for (var field : fields(program.getClass())) {
      Object value;
      try {
        field.setAccessible(true);
        value = field.get(program);
      } catch (InaccessibleObjectException | IllegalAccessException e) {
        throw new IllegalStateException(
            "cannot read field '"
                + field.getName()
                + "' of "
                + program.getClass().getName()
                + " to find its predictors; open its package to dev.dspy4j.core "
                + "or override namedPredictors()",
            e);
      }
      String name = name(field);
      if (value instanceof List<?> list) {
        for (int i = 0; i < list.size(); i++)
          add(out, seen, modules, name + "[" + i + "]", list.get(i));
      } else if (value != null
          && value.getClass().isArray()
          && !value.getClass().getComponentType().isPrimitive()) {
        for (int i = 0; i < Array.getLength(value); i++) {
          add(out, seen, modules, name + "[" + i + "]", Array.get(value, i));
        }
      } else if (value instanceof Map<?, ?> map) {
        for (var e : map.entrySet())
          add(out, seen, modules, name + "['" + e.getKey() + "']", e.getValue());
      } else {
        add(out, seen, modules, name, value);
      }
    }
    return Collections.unmodifiableMap(out);
  }

  private static void add(
      Map<String, Predict> out, Set<Object> seen, Set<Object> modules, String name, Object value) {
    if (value instanceof TypedPredict<?, ?> typed) value = typed.predict();
    if (value instanceof Predict p) {
      if (seen.add(p)) out.put(name, p);
    } else if (value instanceof Module m && modules.add(m)) {
      for (var e : m.namedPredictors().entrySet()) {
        if (seen.add(e.getValue())) out.put(name + "." + e.getKey(), e.getValue());
      }
    }
  }

  private static List<java.lang.reflect.Field> fields(Class<?> type) {
    if (type.isSynthetic() || type.isHidden()) return List.of(); // a lambda: nothing to name
    var chain = new ArrayDeque<Class<?>>();
    for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) chain.push(c);
    var fields = new java.util.ArrayList<java.lang.reflect.Field>();
    for (Class<?> c : chain) {
      for (var f : c.getDeclaredFields()) {
        if (Modifier.isStatic(f.getModifiers()) || f.isSynthetic()) continue;
        fields.add(f);
      }
    }
    return fields;
  }

  private static String name(java.lang.reflect.Field field) {
    DspyName given = field.getAnnotation(DspyName.class);
    return given != null ? given.value() : snakeCase(field.getName());
  }

  /**
   * A Java camelCase name as the Python attribute name a DSPy user would write: {@code
   * generateAnswer} becomes {@code generate_answer}, {@code HTMLParser} becomes {@code
   * html_parser}; digits stay attached ({@code hop2} stays {@code hop2}); snake_case stays.
   */
  public static String snakeCase(String javaName) {
    String s = UPPER_BEFORE_WORD.matcher(javaName).replaceAll("$1_$2");
    s = UPPER_AFTER_LOWER.matcher(s).replaceAll("$1_$2");
    return s.toLowerCase(java.util.Locale.ROOT);
  }
}
