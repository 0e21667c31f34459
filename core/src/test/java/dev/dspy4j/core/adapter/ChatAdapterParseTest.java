package dev.dspy4j.core.adapter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import dev.dspy4j.core.signature.Signature;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChatAdapterParseTest {

  private final ChatAdapter adapter = new ChatAdapter();

  @Test
  void fieldsInAnyOrderAreParsedAndReturnedInSignatureOrder() {
    var sig = Signature.parse("question -> reasoning, answer");
    var parsed =
        adapter.parse(
            sig,
            "[[ ## answer ## ]]\nParis\n\n[[ ## reasoning ## ]]\nIt is the capital.\n\n"
                + "[[ ## completed ## ]]");
    assertThat(parsed)
        .containsExactly(entry("reasoning", "It is the capital."), entry("answer", "Paris"));
  }

  @Test
  void textBeforeTheFirstHeaderAndUnknownHeadersAreIgnoredAndTheFirstOccurrenceWins() {
    var sig = Signature.parse("question -> answer");
    var parsed =
        adapter.parse(
            sig,
            "Sure! Here you go.\n[[ ## notes ## ]]\nignored\n[[ ## answer ## ]] Paris  \n"
                + "  more text\n\n[[ ## answer ## ]]\nLyon\n[[ ## completed ## ]]\n");
    assertThat(parsed).containsExactly(entry("answer", "Paris\n  more text"));
  }

  @Test
  void missingFieldRaisesWithRawTextExpectedAndFoundFields() {
    var sig = Signature.parse("question -> reasoning, answer");
    String raw = "[[ ## reasoning ## ]]\nthinking...\n\n[[ ## completed ## ]]";
    assertThatThrownBy(() -> adapter.parse(sig, raw))
        .isInstanceOfSatisfying(
            AdapterParseException.class,
            e -> {
              assertThat(e.adapterName()).isEqualTo("ChatAdapter");
              assertThat(e.rawResponse()).isEqualTo(raw);
              assertThat(e.expectedFields()).containsExactly("reasoning", "answer");
              assertThat(e.parsedFields()).contains(List.of("reasoning"));
              assertThat(e.getMessage())
                  .contains("Adapter ChatAdapter failed to parse the LM response.")
                  .contains(
                      "Expected to find output fields in the LM response: [reasoning, answer]")
                  .contains("Actual output fields parsed from the LM response: [reasoning]");
            });
  }

  @Test
  void emptyResponseRaises() {
    var sig = Signature.parse("question -> answer");
    assertThatThrownBy(() -> adapter.parse(sig, ""))
        .isInstanceOf(AdapterParseException.class)
        .hasMessageContaining("Expected to find output fields in the LM response: [answer]");
  }

  @Test
  void pythonLiteralsAndLenientJsonAreAccepted() {
    var sig =
        Signature.parse(
            "q -> flag: bool, items: list[str], scores: dict[str, float], n: int, x: float, maybe: Optional[int]");
    var parsed =
        adapter.parse(
            sig,
            "[[ ## flag ## ]]\nTrue\n[[ ## items ## ]]\n['a', \"b\", ]\n"
                + "[[ ## scores ## ]]\n{'a': 1, 'b': 2.5,}\n[[ ## n ## ]]\n\"42\"\n[[ ## x ## ]]\n1_000.5\n"
                + "[[ ## maybe ## ]]\nNone\n[[ ## completed ## ]]");
    assertThat(parsed)
        .containsEntry("flag", true)
        .containsEntry("items", List.of("a", "b"))
        .containsEntry("scores", Map.of("a", 1.0, "b", 2.5))
        .containsEntry("n", 42L)
        .containsEntry("x", 1000.5)
        .containsEntry("maybe", null);
  }

  @Test
  void missingOptionalOutputIsNullNotAnError() {
    var sig = Signature.parse("q -> answer, note: Optional[str]");
    assertThat(adapter.parse(sig, "[[ ## answer ## ]]\nyes"))
        .containsEntry("answer", "yes")
        .containsEntry("note", null);
  }

  @Test
  void literalValuesAreNormalisedAsDspyDoes() {
    var sig = Signature.parse("q -> verdict: Literal['yes', 'no']");
    assertThat(adapter.parse(sig, "[[ ## verdict ## ]]\nyes")).containsEntry("verdict", "yes");
    assertThat(adapter.parse(sig, "[[ ## verdict ## ]]\n  'no'  ")).containsEntry("verdict", "no");
    assertThat(adapter.parse(sig, "[[ ## verdict ## ]]\nLiteral['yes']"))
        .containsEntry("verdict", "yes");
    assertThat(adapter.parse(sig, "[[ ## verdict ## ]]\n\"no\"")).containsEntry("verdict", "no");
    assertThatThrownBy(() -> adapter.parse(sig, "[[ ## verdict ## ]]\nmaybe"))
        .isInstanceOf(AdapterParseException.class)
        .hasMessageContaining("Failed to parse field verdict with value maybe");
  }

  enum Color {
    RED,
    GREEN
  }

  record ColorOut(Color color, int count) {}

  record In(String q) {}

  @Test
  void enumsAndNumbersFromStringsConvert() {
    var sig = Signature.of(In.class, ColorOut.class);
    var parsed = adapter.parse(sig, "[[ ## color ## ]]\nGREEN\n\n[[ ## count ## ]]\n7.0");
    assertThat(parsed).containsEntry("color", Color.GREEN).containsEntry("count", 7L);
    // DSPy's find_enum_member matches the value exactly; a quoted value is no member
    assertThatThrownBy(
            () -> adapter.parse(sig, "[[ ## color ## ]]\n'GREEN'\n\n[[ ## count ## ]]\n7"))
        .isInstanceOf(AdapterParseException.class);
  }

  @Test
  void valueThatDoesNotFitItsTypeRaisesNamingTheField() {
    var sig = Signature.parse("q -> confidence: float");
    assertThatThrownBy(() -> adapter.parse(sig, "[[ ## confidence ## ]]\nvery high"))
        .isInstanceOfSatisfying(
            AdapterParseException.class,
            e -> {
              assertThat(e.getMessage())
                  .contains("Failed to parse field confidence with value very high");
              assertThat(e.rawResponse()).isEqualTo("[[ ## confidence ## ]]\nvery high");
            });
  }

  record Summary(String headline, double score) {}

  record SummaryOut(Summary summary) {}

  @Test
  void recordOutputsAreBuiltFromJson() {
    var sig = Signature.of(In.class, SummaryOut.class);
    var parsed =
        adapter.parse(sig, "[[ ## summary ## ]]\n{\"headline\": \"Hi\", \"score\": \"0.5\"}");
    assertThat(parsed).containsEntry("summary", new Summary("Hi", 0.5));
  }

  @Test
  void indentedHeaderLineIsSlicedLikeDspy() {
    // DSPy matches the header on line.strip() but slices the unstripped line at the match end.
    var sig = Signature.parse("q -> answer");
    assertThat(adapter.parse(sig, "  [[ ## answer ## ]] Paris"))
        .containsEntry("answer", "]] Paris");
    assertThat(adapter.parse(sig, "  [[ ## answer ## ]]\nParis"))
        .containsEntry("answer", "]]\nParis");
  }
}
