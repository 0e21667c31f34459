package dev.dspy4j.core.signature;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One field of a {@link Signature}.
 *
 * @param name a Python-style identifier
 * @param type its type
 * @param description what the field means, shown to the LM; empty for none
 * @param role input or output
 */
public record Field(String name, FieldType type, String description, Role role) {

  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  /** Whether a field is given to the LM or produced by it. */
  public enum Role {
    INPUT,
    OUTPUT
  }

  public Field {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(role, "role");
    if (!IDENTIFIER.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "field name '"
              + name
              + "' is not an identifier (letters, digits and _, not starting with a digit)");
    }
  }

  /** An input field without description. */
  public static Field input(String name, FieldType type) {
    return new Field(name, type, "", Role.INPUT);
  }

  /** An output field without description. */
  public static Field output(String name, FieldType type) {
    return new Field(name, type, "", Role.OUTPUT);
  }

  /** This field with another description. */
  public Field withDescription(String description) {
    return new Field(name, type, description, role);
  }

  /** True for an input field. */
  public boolean isInput() {
    return role == Role.INPUT;
  }

  static boolean isIdentifier(String s) {
    return IDENTIFIER.matcher(s).matches();
  }
}
