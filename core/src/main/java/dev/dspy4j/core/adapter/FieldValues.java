package dev.dspy4j.core.adapter;

import dev.dspy4j.core.adapter.internal.PyJson;
import org.jspecify.annotations.Nullable;

/**
 * How DSPy writes a value into prompt or reply text, by the same rules the adapters use: for code
 * that writes an LM's reply itself, such as a scripted test LM ({@code dev.dspy4j.test.DummyLM}) or
 * a custom transport's stub. Records, enums, {@code Optional}s and arrays are first converted as
 * pydantic's {@code dump_python(mode="json")} does. Stateless.
 */
public final class FieldValues {

  private FieldValues() {}

  /**
   * DSPy's {@code format_field_value} for one value: maps, lists and records as {@code
   * json.dumps(v, ensure_ascii=False)}, anything else as Python's {@code str(v)} ({@code True},
   * {@code None}, {@code 1.0}).
   */
  public static String format(@Nullable Object value) {
    return PyJson.render(value);
  }

  /**
   * Python's {@code json.dumps(v, indent=2, ensure_ascii=False)} of the value, as {@link
   * JsonAdapter} writes a reply's output fields.
   */
  public static String jsonIndented(@Nullable Object value) {
    return PyJson.dumpsIndented(PyJson.toJsonable(value));
  }
}
