package dev.dspy4j.core.adapter;

import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The LM's answer could not be parsed into the signature's output fields: a required field is
 * missing, the response is empty, or a value does not fit its type. Carries the adapter's name, the
 * raw response, the expected fields and, when parsing got that far, the fields that were found.
 */
public class AdapterParseException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String adapterName;
  private final String rawResponse;
  private final List<String> expectedFields;
  private final @Nullable List<String> parsedFields;

  /**
   * @param adapterName {@code ChatAdapter} or {@code JSONAdapter}
   * @param rawResponse the LM's text
   * @param expectedFields the signature's output field names
   * @param parsedFields the field names that were parsed, or null when parsing stopped earlier
   * @param detail an extra explanation, or null
   * @param cause the conversion failure, or null
   */
  public AdapterParseException(
      String adapterName,
      String rawResponse,
      List<String> expectedFields,
      @Nullable List<String> parsedFields,
      @Nullable String detail,
      @Nullable Throwable cause) {
    super(message(adapterName, rawResponse, expectedFields, parsedFields, detail), cause);
    this.adapterName = adapterName;
    this.rawResponse = rawResponse;
    this.expectedFields = List.copyOf(expectedFields);
    this.parsedFields = parsedFields == null ? null : List.copyOf(parsedFields);
  }

  // Same layout as DSPy's AdapterParseError, so logs read alike in both.
  private static String message(
      String adapter,
      String raw,
      List<String> expected,
      @Nullable List<String> parsed,
      @Nullable String detail) {
    var sb = new StringBuilder();
    if (detail != null) sb.append(detail).append("\n\n");
    sb.append("Adapter ").append(adapter).append(" failed to parse the LM response. \n\n");
    sb.append("LM Response: ").append(raw).append(" \n\n");
    sb.append("Expected to find output fields in the LM response: [")
        .append(String.join(", ", expected))
        .append("] \n\n");
    if (parsed != null) {
      sb.append("Actual output fields parsed from the LM response: [")
          .append(String.join(", ", parsed))
          .append("] \n\n");
    }
    return sb.toString();
  }

  /** The adapter that failed ({@code ChatAdapter} or {@code JSONAdapter}). */
  public String adapterName() {
    return adapterName;
  }

  /** The LM's text as received. */
  public String rawResponse() {
    return rawResponse;
  }

  /** The output fields the signature declares. */
  public List<String> expectedFields() {
    return expectedFields;
  }

  /** The fields that were parsed before the failure, when parsing got that far. */
  public Optional<List<String>> parsedFields() {
    return Optional.ofNullable(parsedFields);
  }
}
