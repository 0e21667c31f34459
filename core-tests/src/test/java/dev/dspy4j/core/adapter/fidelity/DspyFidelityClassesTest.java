package dev.dspy4j.core.adapter.fidelity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dspy4j.core.adapter.ChatAdapter;
import dev.dspy4j.core.adapter.JsonAdapter;
import dev.dspy4j.core.adapter.internal.JsonRepair;
import dev.dspy4j.core.adapter.internal.PyJson;
import dev.dspy4j.core.adapter.internal.PyText;
import dev.dspy4j.core.lm.Message;
import dev.dspy4j.core.predict.Example;
import dev.dspy4j.core.predict.Predict;
import dev.dspy4j.core.signature.Field;
import dev.dspy4j.core.signature.JavaTypes;
import dev.dspy4j.core.signature.Signature;
import dev.dspy4j.test.DummyLM;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * One named test per class of mismatch issue 22 found between dspy4j and DSPy. Every expected value
 * was printed by real DSPy 3.3.1 / json_repair 0.61.7 / pydantic 2 / Python 3.11 (see {@code
 * tools/dspy-goldens/gen_fidelity.py} for the broad generated set).
 */
class DspyFidelityClassesTest {

  private final ChatAdapter chat = new ChatAdapter();

  @Nested
  class Cleandoc {
    @Test
    void carriageReturnLinesCountAsBlankForTheMarginAndKeepTheirReturn() {
      // inspect.cleandoc('  First line\r\n    second\r\n   \r\n    third')
      assertThat(PyText.cleandoc("  First line\r\n    second\r\n   \r\n    third"))
          .isEqualTo("First line\r\nsecond\r\n\nthird");
    }

    @Test
    void nonBreakingSpaceLinesAreBlankAndTheFirstLineIsLeftStrippedOfPythonWhitespace() {
      assertThat(PyText.cleandoc("Intro\n\u00a0\u00a0\n    body\n      deeper"))
          .isEqualTo("Intro\n\nbody\n  deeper");
      assertThat(PyText.cleandoc("\u00a0\tLead\n  x")).isEqualTo("Lead\nx");
    }

    @Test
    void signatureInstructionsGoThroughCleandoc() {
      var sig = Signature.parse("q -> a", "\u00a0\tLead\n  x");
      assertThat(sig.instructions()).isEqualTo("Lead\nx");
    }
  }

  @Nested
  class FloatRepr {
    @Test
    void shortestRoundTripDigitsOnEveryJdkIncludingSubnormals() {
      // repr() of each value in Python; JDK 17's Double.toString(8.41e21) is "8.409999999999999E21"
      var expected = new LinkedHashMap<Double, String>();
      expected.put(5e-324, "5e-324");
      expected.put(1.5e-310, "1.5e-310");
      expected.put(2.2250738585072014e-308, "2.2250738585072014e-308");
      expected.put(8.41e21, "8.41e+21");
      expected.put(2e-3, "0.002");
      expected.put(1e16, "1e+16");
      expected.put(1e-5, "1e-05");
      expected.put(123456789012345678.0, "1.2345678901234568e+17");
      expected.put(0.1 + 0.2, "0.30000000000000004");
      expected.put(1e23, "1e+23");
      expected.put(-0.0, "-0.0");
      expected.put(9007199254740993.0, "9007199254740992.0");
      expected.forEach(
          (d, repr) -> assertThat(PyJson.floatRepr(d)).as("repr(%s)", d).isEqualTo(repr));
    }

    @Test
    void everyDoubleReadsBackAndIsNoLongerThanJavasOwnDigits() {
      var random = new Random(22);
      for (int k = 0; k < 20_000; k++) {
        double d = Double.longBitsToDouble(random.nextLong());
        if (!Double.isFinite(d)) continue;
        String repr = PyJson.floatRepr(d);
        assertThat(Double.parseDouble(repr)).as(repr).isEqualTo(d);
        String digits = repr.replaceAll("e.*", "").replaceAll("[-.]", "").replaceAll("^0+", "");
        String javaDigits =
            Double.toString(Math.abs(d))
                .replaceAll("E.*", "")
                .replace(".", "")
                .replaceAll("^0+", "");
        assertThat(digits.replaceAll("0+$", "").length())
            .as(repr)
            .isLessThanOrEqualTo(javaDigits.length());
      }
    }

    @Test
    void infAndNanAreBareValuesButNullInsideJson() {
      var sig = Signature.parse("question: str -> answer: str");
      assertThat(
              userMessage(
                  chat.format(sig, List.of(), Map.of("question", Double.POSITIVE_INFINITY))))
          .startsWith("[[ ## question ## ]]\ninf\n\n");
      var listSig = Signature.parse("numbers: list[float] -> answer: str");
      var inputs =
          Map.<String, Object>of("numbers", List.of(1.0, Double.POSITIVE_INFINITY, Double.NaN));
      assertThat(userMessage(chat.format(listSig, List.of(), inputs)))
          .startsWith("[[ ## numbers ## ]]\n[1.0, null, null]\n\n");
      // a tuple (a Java array) given to a str field is JSON too, not a numbered list
      var tuple =
          Map.<String, Object>of(
              "question", new Object[] {1.0, Double.POSITIVE_INFINITY, Double.NaN});
      assertThat(userMessage(chat.format(sig, List.of(), tuple)))
          .startsWith("[[ ## question ## ]]\n[1.0, null, null]\n\n");
    }
  }

  @Nested
  class JsonRepairRecoveries {
    @Test
    void truncatedJsonIsCompleted() {
      assertThat(JsonRepair.loads("{\"a\": [1, 2")).isEqualTo(Map.of("a", List.of(1L, 2L)));
      assertThat(JsonRepair.loads("{\"a\": 1, \"b\": ")).isEqualTo(Map.of("a", 1L, "b", ""));
    }

    @Test
    void commentsAreDropped() {
      assertThat(JsonRepair.loads("{\"a\": 1, // note\n \"b\": 2}"))
          .isEqualTo(Map.of("a", 1L, "b", 2L));
    }

    @Test
    void aValueInAFencedBlockInsideAChatAdapterFieldIsRead() {
      var sig = Signature.parse("q -> answer: list[int]");
      assertThat(chat.parse(sig, "[[ ## answer ## ]]\n```json\n[1, 2, 3]\n```"))
          .containsEntry("answer", List.of(1L, 2L, 3L));
      assertThat(chat.parse(sig, "[[ ## answer ## ]]\n[1, 2, 3"))
          .containsEntry("answer", List.of(1L, 2L, 3L));
      // a fenced scalar is no JSON to json_repair, and "```\n42\n```" is no int to pydantic
      var intSig = Signature.parse("q -> answer: int");
      assertThatThrownBy(() -> chat.parse(intSig, "[[ ## answer ## ]]\n```\n42\n```"))
          .isInstanceOf(dev.dspy4j.core.adapter.AdapterParseException.class);
    }

    @Test
    void duplicateKeysKeepTheLastValue() {
      assertThat(JsonRepair.loads("{\"a\": 1, \"a\": 2}")).isEqualTo(Map.of("a", 2L));
    }

    @Test
    void unquotedAndOddFormsAreRead() {
      assertThat(JsonRepair.loads("{a: 1, b: 'x'}")).isEqualTo(Map.of("a", 1L, "b", "x"));
      assertThat(JsonRepair.loads("Sure: {\"a\": 1} thanks")).isEqualTo(Map.of("a", 1L));
      assertThat(JsonRepair.loads("{'a': None, 'b': True, 'c': FALSE}"))
          .isEqualTo(Map.of("a", "None", "b", true, "c", false));
      // json_repair reads 1e+16 as 1 once the text is not valid JSON (its number characters lack
      // '+')
      assertThat(JsonRepair.loads("{\"a\": 1e+16, \"b\": 2},")).isEqualTo(Map.of("a", 1L, "b", 2L));
      assertThat(JsonRepair.loads("42 apples")).isSameAs(JsonRepair.NOT_JSON);
    }

    @Test
    void randomDamageNeverThrowsOrHangs() {
      var random = new Random(7);
      String alphabet = "{}[]\"',:0123456789.eE+-/*#\\ntfrueals nNoI_\u201c\u201d\n ";
      for (int k = 0; k < 20_000; k++) {
        var sb = new StringBuilder();
        int len = random.nextInt(40);
        for (int c = 0; c < len; c++) sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        JsonRepair.loads(sb.toString()); // returns a value or NOT_JSON, never an exception
      }
    }
  }

  @Nested
  class PydanticLaxValidation {
    record Point(long x, long y) {}

    record Box(Point corner, double weight) {}

    @Test
    void wholeNumberTextAndBooleansInANestedRecord() {
      // parse_value('{"corner": {"x": "31.0", "y": true}, "weight": true}', Box) ==
      // Box(corner=Point(x=31, y=1), weight=1.0)
      var sig =
          Signature.of(
              List.of(
                  Field.input("q", JavaTypes.fieldType(String.class)),
                  Field.output("box", JavaTypes.fieldType(Box.class))));
      var parsed =
          chat.parse(
              sig,
              "[[ ## box ## ]]\n{\"corner\": {\"x\": \"31.0\", \"y\": true}, \"weight\": true}");
      assertThat(parsed.get("box")).isEqualTo(new Box(new Point(31, 1), 1.0));
    }

    @Test
    void aPythonTupleForAListAndInfForAFloat() {
      assertThat(chat.parse(Signature.parse("q -> a: list[int]"), "[[ ## a ## ]]\n1, 2, 3"))
          .containsEntry("a", List.of(1L, 2L, 3L));
      assertThat(chat.parse(Signature.parse("q -> a: float"), "[[ ## a ## ]]\ninf"))
          .containsEntry("a", Double.POSITIVE_INFINITY);
    }

    @Test
    void recordsListsAndDictsInAListGivenToAStrInputShowAsPythonsStr() {
      var order =
          new FidelityCases.Order(
              1,
              new FidelityCases.Person("it's", 3, java.util.Optional.empty()),
              List.of(new FidelityCases.Item("x", 1e16, List.of("a"))),
              FidelityCases.Status.active);
      var things = new ArrayList<Object>();
      things.add(new FidelityCases.Point(6, 11));
      things.add(order);
      things.add(List.of("a", 1L));
      var dict = new HashMap<String, Object>();
      dict.put("k", null);
      things.add(dict);
      var sig = Signature.parse("things: str -> answer");
      // printed by ChatAdapter().format(...) in DSPy with the pydantic models of gen_fidelity.py
      assertThat(userMessage(chat.format(sig, List.of(), Map.of("things", things))))
          .startsWith(
              "[[ ## things ## ]]\n[1] «x=6 y=11»\n[2] «id=1 customer=Person(name=\"it's\", age=3, email=None) "
                  + "items=[Item(name='x', price=1e+16, tags=['a'])] status=<Status.active: 'active'>»\n"
                  + "[3] «['a', 1]»\n[4] «{'k': None}»\n\n");
      var numbers = Map.<String, Object>of("things", List.of("a", 1L));
      assertThatThrownBy(() -> chat.format(sig, List.of(), numbers))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("DSPy raises TypeError");
    }

    @Test
    void aDictGivenForAStrFieldIsPythonsRepr() {
      var parsed =
          new JsonAdapter()
              .parse(
                  Signature.parse("q -> answer: str"),
                  "{\"answer\": {\"city\": \"Paris\", \"ok\": true}}");
      assertThat(parsed).containsEntry("answer", "{'city': 'Paris', 'ok': True}");
    }
  }

  @Nested
  class Enums {
    @Test
    void anEnumFieldIsNamedByItsClassAsDspyNamesAPythonEnum() {
      var sig =
          Signature.of(
              List.of(
                  Field.input("q", JavaTypes.fieldType(String.class)),
                  Field.output("status", JavaTypes.fieldType(FidelityCases.Status.class))));
      List<Message> messages = chat.format(sig, List.of(), Map.of("q", "x"));
      assertThat(messages.get(0).content())
          .contains("1. `status` (Status):")
          .contains(
              "{status}        # note: the value you produce must be one of: active; inactive; pending");
      assertThat(userMessage(messages))
          .contains("`[[ ## status ## ]]` (must be formatted as a valid Python Status)");
      assertThat(chat.parse(sig, "[[ ## status ## ]]\npending"))
          .containsEntry("status", FidelityCases.Status.pending);
      // find_enum_member matches values exactly: no quotes or class prefix stripped
      assertThatThrownBy(() -> chat.parse(sig, "[[ ## status ## ]]\nStatus.pending"))
          .isInstanceOf(dev.dspy4j.core.adapter.AdapterParseException.class);
    }
  }

  @Nested
  class NoneDemoValues {
    @Test
    void aNullDemoValueReadsNoneWhileAMissingOneIsNotSupplied() {
      var values = new HashMap<String, Object>();
      values.put("question", "q1");
      values.put("answer", null);
      var lm = DummyLM.ofTexts("[[ ## answer ## ]]\nok\n\n[[ ## completed ## ]]");
      Predict.of("question: str -> answer: str")
          .withDemos(List.of(new Example(values), Example.of(Map.of("question", "q2"))))
          .withLm(lm)
          .call(Map.of("question", "q3"))
          .block(Duration.ofSeconds(5));
      List<Message> sent = new ArrayList<>(lm.lastRequest().messages());
      assertThat(sent).hasSize(4);
      assertThat(sent.get(1).content())
          .isEqualTo(
              "This is an example of the task, though some input or output fields are not supplied.\n\n[[ ## question ## ]]\nq1");
      assertThat(sent.get(2).content())
          .isEqualTo("[[ ## answer ## ]]\nNone\n\n[[ ## completed ## ]]\n");
    }
  }

  private static String userMessage(List<Message> messages) {
    return messages.get(messages.size() - 1).content();
  }
}
