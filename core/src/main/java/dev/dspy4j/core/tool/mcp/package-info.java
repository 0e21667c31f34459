/**
 * MCP servers' tools as dspy4j tools ({@link dev.dspy4j.core.tool.mcp.McpTools}); needs the
 * optional MCP SDK.
 */
@NullMarked
package dev.dspy4j.core.tool.mcp;

import org.jspecify.annotations.NullMarked;
