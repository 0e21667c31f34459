package dev.dspy4j.core.signature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SignatureTest {

  @Test
  void parsesTypedAndUntypedFieldsWithDefaultInstructions() {
    var s = Signature.parse("context: list[str], question -> answer: str, confidence: float");
    assertThat(s.inputs())
        .containsExactly(
            Field.input("context", FieldType.listOf(FieldType.STR)),
            Field.input("question", FieldType.STR));
    assertThat(s.outputs())
        .containsExactly(
            Field.output("answer", FieldType.STR), Field.output("confidence", FieldType.FLOAT));
    assertThat(s.instructions())
        .isEqualTo(
            "Given the fields `context`, `question`, produce the fields `answer`, `confidence`.");
  }

  @Test
  void parsesEveryDspyTypeName() {
    var s =
        Signature.parse(
            "a: bool, b: int, c: dict[str, int], d: Optional[str], e: float | None -> "
                + "f: Literal['yes', 'no'], g: list[dict[str, list[int]]]",
            "Do it.");
    assertThat(s.fields())
        .extracting(f -> f.type().dspyName())
        .containsExactly(
            "bool",
            "int",
            "dict[str, int]",
            "Union[str, NoneType]",
            "Union[float, NoneType]",
            "Literal['yes', 'no']",
            "list[dict[str, list[int]]]");
    assertThat(s.instructions()).isEqualTo("Do it.");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "question answer|missing '->' between inputs and outputs at position 0",
        "a -> b -> c|more than one '->' at position 7",
        " -> answer|no inputs (empty side of '->') at position 0",
        "question -> |no outputs (empty side of '->') at position 11",
        "a, b, a -> c|duplicate field 'a' in inputs at position 6",
        "a -> b, b|duplicate field 'b' in outputs at position 8",
        "q -> q|field 'q' is both an input and an output at position 5",
        "q -> a: strr|unknown type 'strr'",
        "q -> a: strr|for field 'a' at position 8",
        "2q -> a|'2q' is not a valid field name",
        "q, -> a|empty field name at position 2",
        "q -> a: list[str|expected ',' or ']'",
        "q -> a: dict[int, str]|must be dict[str, T]",
      })
  void malformedSignaturesAreRejectedNamingTheProblemAndPosition(String text, String expected) {
    assertThatThrownBy(() -> Signature.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Invalid signature")
        .hasMessageContaining(expected);
  }

  @Instructions("Answer with a short fact.")
  record Question(
      @Desc("the user's question") String question,
      List<String> context,
      Map<String, Integer> counts) {}

  enum Verdict {
    YES,
    NO
  }

  record Inner(String x) {}

  record Answer(
      String answer,
      long n,
      double score,
      boolean ok,
      Verdict verdict,
      Inner inner,
      Optional<String> note) {}

  @Test
  void recordSignaturesMapJavaTypesToDspyTypes() {
    var s = Signature.of(Question.class, Answer.class);
    assertThat(s.instructions()).isEqualTo("Answer with a short fact.");
    assertThat(s.inputs().get(0).description()).isEqualTo("the user's question");
    assertThat(s.fields())
        .extracting(f -> f.name() + ":" + f.type().dspyName())
        .containsExactly(
            "question:str",
            "context:list[str]",
            "counts:dict[str, int]",
            "answer:str",
            "n:int",
            "score:float",
            "ok:bool",
            "verdict:Verdict",
            "inner:Inner",
            "note:Union[str, NoneType]");
  }

  record Bad(Thread thing) {}

  @Test
  void recordWithAnUnsupportedTypeIsRejected() {
    assertThatThrownBy(() -> Signature.of(Question.class, Bad.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("component 'thing' of Bad")
        .hasMessageContaining("no DSPy type for java.lang.Thread");
    assertThatThrownBy(() -> Signature.of(String.class, Bad.class))
        .hasMessageContaining("java.lang.String is not a record");
  }

  @Test
  void derivationsKeepTheInstructions() {
    var s = Signature.parse("question -> answer");
    var cot = s.prepend(Field.output("reasoning", FieldType.STR));
    assertThat(cot.outputs()).extracting(Field::name).containsExactly("reasoning", "answer");
    assertThat(cot.instructions()).isEqualTo(s.instructions());
    var more = cot.append(Field.input("context", FieldType.STR)).withInstructions("New.");
    assertThat(more.inputs()).extracting(Field::name).containsExactly("question", "context");
    assertThat(more.instructions()).isEqualTo("New.");
    assertThat(more.delete("reasoning").outputs())
        .extracting(Field::name)
        .containsExactly("answer");
    assertThatThrownBy(() -> s.delete("nope")).hasMessageContaining("no field 'nope'");
    assertThatThrownBy(() -> s.append(Field.output("answer", FieldType.INT)))
        .hasMessageContaining("field 'answer' is declared twice");
  }
}
