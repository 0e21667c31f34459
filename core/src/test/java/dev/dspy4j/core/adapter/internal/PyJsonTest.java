package dev.dspy4j.core.adapter.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PyJsonTest {

  @Test
  void floatsPrintLikePythonRepr() {
    assertThat(PyJson.floatRepr(0.1)).isEqualTo("0.1");
    assertThat(PyJson.floatRepr(2.0)).isEqualTo("2.0");
    assertThat(PyJson.floatRepr(1e-5)).isEqualTo("1e-05");
    assertThat(PyJson.floatRepr(0.0001)).isEqualTo("0.0001");
    assertThat(PyJson.floatRepr(1e16)).isEqualTo("1e+16");
    assertThat(PyJson.floatRepr(1234567890123456.0)).isEqualTo("1234567890123456.0");
    assertThat(PyJson.floatRepr(-1.5e-7)).isEqualTo("-1.5e-07");
    assertThat(PyJson.floatRepr(1.0E10)).isEqualTo("10000000000.0");
  }

  record Point(int x, Optional<String> label) {}

  @Test
  void valuesRenderAsPythonJsonDumps() {
    var m = new LinkedHashMap<String, Object>();
    m.put("s", "é\n\"q\"");
    m.put("b", true);
    m.put("n", null);
    m.put("l", List.of(1, 2.5));
    m.put("p", new Point(3, Optional.empty()));
    assertThat(PyJson.render(m))
        .isEqualTo(
            "{\"s\": \"é\\n\\\"q\\\"\", \"b\": true, \"n\": null, \"l\": [1, 2.5], \"p\": {\"x\": 3, \"label\": null}}");
    assertThat(PyJson.render(false)).isEqualTo("False");
    assertThat(PyJson.render(null)).isEqualTo("None");
    assertThat(PyJson.dumpsIndented(PyJson.toJsonable(List.of()))).isEqualTo("[]");
  }

  @Test
  void lenientJsonReadsPythonLiterals() {
    assertThat(LenientJson.parse("{'a': (1, 2,), b: None, \"c\": False,}"))
        .isEqualTo(
            new LinkedHashMap<>(java.util.Map.of("a", List.of(1L, 2L), "c", false)) {
              {
                put("b", null);
              }
            });
    // DSPy's recursive regex counts braces and knows nothing of strings
    assertThat(LenientJson.firstObject("x {\"a\": \"}\"} y")).contains("{\"a\": \"}");
  }
}
