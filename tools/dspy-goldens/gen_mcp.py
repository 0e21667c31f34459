"""Golden ReAct run from real DSPy over tools converted from MCP (dspy.utils.mcp.convert_mcp_tool):
the tool texts, their litellm function-call format, the prompts of a run with DummyLM and the
prediction. The MCP session is a stand-in answering as the Java test's MCP server does (same tool
descriptors, same results), so the Java run against the real server must send the same prompts.

Writes core/src/test/resources/dspy-goldens/mcp/.
"""
import json
import os
import sys
import types

import dspy_offline  # noqa: F401  (real DSPy, offline)
import dspy
from dspy.utils.dummies import DummyLM

# The mcp package is not installed: DSPy's result conversion only needs mcp.types.TextContent.
mcp = types.ModuleType("mcp")
mcp_types = types.ModuleType("mcp.types")


class TextContent:
    def __init__(self, text):
        self.type = "text"
        self.text = text


mcp_types.TextContent = TextContent
mcp.types = mcp_types
sys.modules.setdefault("mcp", mcp)
sys.modules.setdefault("mcp.types", mcp_types)

from dspy.utils.mcp import convert_mcp_tool  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "core", "src", "test", "resources",
                   "dspy-goldens", "mcp")

# The descriptors the Java test's MCP server lists (McpTestServer.java), in its order.
TOOLS = [
    {"name": "add", "description": "Add two integers.",
     "inputSchema": {"type": "object",
                     "properties": {"a": {"type": "integer", "description": "The first number"},
                                    "b": {"type": "integer", "description": "The second number"}},
                     "required": ["a", "b"]}},
    {"name": "describe_place", "description": "Say where a city is.",
     "inputSchema": {"type": "object",
                     "$defs": {"Place": {"type": "object",
                                         "properties": {"city": {"type": "string"},
                                                        "country": {"type": "string"}},
                                         "required": ["city"]}},
                     "properties": {"place": {"$ref": "#/$defs/Place"}},
                     "required": ["place"]}},
]


class Session:
    """Answers tools/call as the Java test's server does."""

    async def call_tool(self, name, arguments):
        if name == "add":
            text = str(arguments["a"] + arguments["b"])
        else:
            place = arguments["place"]
            text = f"{place['city']} is in {place.get('country', 'an unknown country')}"
        return types.SimpleNamespace(content=[TextContent(text)], isError=False)


SCRIPT = [
    {"next_thought": "Add the numbers first.", "next_tool_name": "add", "next_tool_args": {"a": 2, "b": 3}},
    {"next_thought": "Now where Lyon is.", "next_tool_name": "describe_place",
     "next_tool_args": {"place": {"city": "Lyon", "country": "France"}}},
    {"next_thought": "Done.", "next_tool_name": "finish", "next_tool_args": {}},
    {"reasoning": "2 + 3 = 5 and Lyon is in France.", "answer": "5, France"},
]
QUESTION = "What is 2 + 3, and where is Lyon?"


def main():
    os.makedirs(OUT, exist_ok=True)
    session = Session()
    tools = [convert_mcp_tool(session, types.SimpleNamespace(**t)) for t in TOOLS]
    lm = DummyLM(SCRIPT)
    dspy.configure(lm=lm, allow_tool_async_sync_conversion=True)
    agent = dspy.ReAct("question -> answer", tools=tools, max_iters=5)
    pred = agent(question=QUESTION)
    out = {
        "tools": TOOLS,
        "tool_strings": [str(t) for t in tools],
        "litellm_functions": [t.format_as_litellm_function_call() for t in tools],
        "question": QUESTION,
        "script": SCRIPT,
        "prompts": [h["messages"] for h in lm.history],
        "prediction": {k: v for k, v in pred.items()},
    }
    with open(os.path.join(OUT, "react_mcp.json"), "w") as f:
        json.dump(out, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(f"mcp goldens -> {os.path.normpath(OUT)}")


if __name__ == "__main__":
    main()
