package dev.dspy4j.core.signature;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * What a module does, declared as typed input and output fields plus instructions, like {@code
 * dspy.Signature}. Immutable; derivations ({@link #withInstructions}, {@link #prepend}, {@link
 * #append}, {@link #delete}) return new signatures and keep the instructions.
 *
 * <pre>{@code
 * Signature s = Signature.parse("context: list[str], question -> answer: str, confidence: float");
 * Signature t = Signature.parse("question -> answer", "Answer the question.");
 * Signature r = Signature.of(Question.class, Answer.class);
 * }</pre>
 */
public final class Signature {

  private final List<Field> inputs;
  private final List<Field> outputs;
  private final String instructions;

  private Signature(List<Field> inputs, List<Field> outputs, @Nullable String instructions) {
    this.inputs = List.copyOf(inputs);
    this.outputs = List.copyOf(outputs);
    var seen = new HashSet<String>();
    for (var f : fields()) {
      if (!seen.add(f.name())) {
        throw new IllegalArgumentException(
            "field '" + f.name() + "' is declared twice in the signature");
      }
    }
    this.instructions =
        instructions == null
            ? defaultInstructions(this.inputs, this.outputs)
            : cleandoc(instructions);
  }

  /**
   * Python's {@code inspect.cleandoc}, which DSPy applies when it reads a signature's instructions.
   */
  static String cleandoc(String doc) {
    return dev.dspy4j.core.adapter.internal.PyText.cleandoc(doc);
  }

  /**
   * Parses DSPy's string form, e.g. {@code "question -> answer"} or {@code "context: list[str],
   * question: str -> answer: str, confidence: float"}, with DSPy's default instructions. Untyped
   * fields are {@code str}.
   *
   * @throws IllegalArgumentException naming the problem and its position when the text is malformed
   */
  public static Signature parse(String signature) {
    return parseWith(signature, null);
  }

  /** Like {@link #parse(String)} with these instructions. */
  public static Signature parse(String signature, String instructions) {
    return parseWith(
        signature, Objects.requireNonNull(instructions, "instructions must not be null"));
  }

  private static Signature parseWith(String signature, @Nullable String instructions) {
    Objects.requireNonNull(signature, "signature must not be null");
    var sides = SignatureParser.parse(signature);
    return new Signature(sides.get(0), sides.get(1), instructions);
  }

  /**
   * A signature from an input record and an output record: one field per record component, in
   * declaration order. {@link Desc} on a component gives its description; {@link Instructions} on
   * either record gives the instructions (default: DSPy's). Java types map to DSPy's: see {@link
   * JavaTypes}.
   *
   * @throws IllegalArgumentException when a class is not a record, a component type has no DSPy
   *     equivalent, or a name is on both sides
   */
  public static Signature of(Class<?> inputRecord, Class<?> outputRecord) {
    Objects.requireNonNull(inputRecord, "inputRecord must not be null");
    Objects.requireNonNull(outputRecord, "outputRecord must not be null");
    var ins = recordFields(inputRecord, Field.Role.INPUT);
    var outs = recordFields(outputRecord, Field.Role.OUTPUT);
    var inInstr = inputRecord.getAnnotation(Instructions.class);
    var outInstr = outputRecord.getAnnotation(Instructions.class);
    if (inInstr != null && outInstr != null) {
      throw new IllegalArgumentException(
          "@Instructions is on both "
              + inputRecord.getSimpleName()
              + " and "
              + outputRecord.getSimpleName()
              + "; put it on one of them");
    }
    var instr = inInstr != null ? inInstr : outInstr;
    return new Signature(ins, outs, instr == null ? null : instr.value());
  }

  /**
   * A signature of these fields (inputs and outputs in any order, each keeping its role) with
   * DSPy's default instructions.
   */
  public static Signature of(List<Field> fields) {
    return fromFields(fields, null);
  }

  /** A signature of these fields with these instructions. */
  public static Signature of(List<Field> fields, String instructions) {
    return fromFields(
        fields, Objects.requireNonNull(instructions, "instructions must not be null"));
  }

  private static Signature fromFields(List<Field> fields, @Nullable String instructions) {
    Objects.requireNonNull(fields, "fields must not be null");
    fields.forEach(f -> Objects.requireNonNull(f, "fields must not contain null"));
    var ins = fields.stream().filter(Field::isInput).toList();
    var outs = fields.stream().filter(f -> !f.isInput()).toList();
    if (ins.isEmpty() || outs.isEmpty()) {
      throw new IllegalArgumentException(
          "a signature needs at least one input and one output field, got " + fields);
    }
    return new Signature(ins, outs, instructions);
  }

  private static List<Field> recordFields(Class<?> type, Field.Role role) {
    if (!type.isRecord()) {
      throw new IllegalArgumentException(
          type.getName()
              + " is not a record; Signature.of takes an input record and an output record");
    }
    if (type.getRecordComponents().length == 0) {
      throw new IllegalArgumentException(
          type.getSimpleName()
              + " has no components; a signature needs at least one "
              + (role == Field.Role.INPUT ? "input" : "output")
              + " field");
    }
    var fields = new ArrayList<Field>();
    for (RecordComponent c : type.getRecordComponents()) {
      FieldType ft;
      try {
        ft = JavaTypes.fieldType(c.getGenericType());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "component '" + c.getName() + "' of " + type.getSimpleName() + ": " + e.getMessage(),
            e);
      }
      var desc = c.getAnnotation(Desc.class);
      fields.add(new Field(c.getName(), ft, desc == null ? "" : desc.value(), role));
    }
    return fields;
  }

  static String defaultInstructions(List<Field> inputs, List<Field> outputs) {
    return "Given the fields "
        + inputs.stream().map(f -> "`" + f.name() + "`").collect(Collectors.joining(", "))
        + ", produce the fields "
        + outputs.stream().map(f -> "`" + f.name() + "`").collect(Collectors.joining(", "))
        + ".";
  }

  /** The input fields, in declaration order. */
  public List<Field> inputs() {
    return inputs;
  }

  /** The output fields, in declaration order. */
  public List<Field> outputs() {
    return outputs;
  }

  /** Inputs then outputs. */
  public List<Field> fields() {
    return Stream.concat(inputs.stream(), outputs.stream()).toList();
  }

  /** The instructions shown to the LM. */
  public String instructions() {
    return instructions;
  }

  /** The field of this name, input or output. */
  public Optional<Field> field(String name) {
    return fields().stream().filter(f -> f.name().equals(name)).findFirst();
  }

  /** The output field of this name. */
  public Optional<Field> output(String name) {
    return outputs.stream().filter(f -> f.name().equals(name)).findFirst();
  }

  /** This signature with other instructions. */
  public Signature withInstructions(String instructions) {
    return new Signature(inputs, outputs, Objects.requireNonNull(instructions, "instructions"));
  }

  /** This signature with {@code field} first among the inputs or outputs (by its role). */
  public Signature prepend(Field field) {
    return insert(field, true);
  }

  /** This signature with {@code field} last among the inputs or outputs (by its role). */
  public Signature append(Field field) {
    return insert(field, false);
  }

  private Signature insert(Field field, boolean first) {
    Objects.requireNonNull(field, "field must not be null");
    var ins = new ArrayList<>(inputs);
    var outs = new ArrayList<>(outputs);
    var target = field.isInput() ? ins : outs;
    if (first) target.add(0, field);
    else target.add(field);
    return new Signature(ins, outs, instructions);
  }

  /** This signature without the field of this name. */
  public Signature delete(String name) {
    Objects.requireNonNull(name, "name must not be null");
    if (field(name).isEmpty()) {
      throw new IllegalArgumentException(
          "no field '" + name + "' to delete; fields are " + names(fields()));
    }
    return new Signature(
        inputs.stream().filter(f -> !f.name().equals(name)).toList(),
        outputs.stream().filter(f -> !f.name().equals(name)).toList(),
        instructions);
  }

  private static List<String> names(List<Field> fields) {
    return fields.stream().map(Field::name).toList();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Signature s
        && inputs.equals(s.inputs)
        && outputs.equals(s.outputs)
        && instructions.equals(s.instructions);
  }

  @Override
  public int hashCode() {
    return Objects.hash(inputs, outputs, instructions);
  }

  /** DSPy-like: {@code Signature(question -> answer)}. */
  @Override
  public String toString() {
    return "Signature("
        + String.join(", ", names(inputs))
        + " -> "
        + String.join(", ", names(outputs))
        + ")";
  }
}
