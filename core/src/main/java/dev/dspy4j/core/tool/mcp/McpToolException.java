package dev.dspy4j.core.tool.mcp;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A call of an MCP tool did not give a result: the server answered that the tool failed ({@link
 * Kind#TOOL_ERROR}, the message is DSPy's {@code "Failed to call a MCP tool: ..."}), or the call
 * itself failed ({@link Kind#CALL_FAILED}: the server went away, the connection closed, the request
 * timed out; the cause is the MCP client's error). In a ReAct run either becomes the observation
 * text, as any tool error does. Unchecked.
 */
public class McpToolException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** Why the call gave no result. */
  public enum Kind {
    /** The server ran the tool and reported an error ({@code isError: true}). */
    TOOL_ERROR,
    /** The call did not complete: transport closed, server gone, timeout, protocol error. */
    CALL_FAILED
  }

  private final Kind kind;
  private final String toolName;

  public McpToolException(Kind kind, String toolName, String message, @Nullable Throwable cause) {
    super(message, cause);
    this.kind = Objects.requireNonNull(kind, "kind");
    this.toolName = Objects.requireNonNull(toolName, "toolName");
  }

  /** Why the call gave no result. */
  public Kind kind() {
    return kind;
  }

  /** The MCP tool's name. */
  public String toolName() {
    return toolName;
  }
}
