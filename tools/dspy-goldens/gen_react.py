"""Golden ReAct run from real DSPy: the prompts of a 3-step trajectory with two tools, then the extract
step, and the final prediction; ReAct's named predictors; a saved ReAct program.

Writes core/src/test/resources/dspy-goldens/react/.
"""
import json
import os

import dspy_offline  # noqa: F401  (real DSPy, offline)
import dspy
from dspy.utils.dummies import DummyLM

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "core", "src", "test", "resources",
                   "dspy-goldens", "react")


def lookup_population(city: str) -> int:
    """Look up the population of a city, in people."""
    return {"Paris": 2102650, "Lyon": 522250}[city]


def divide(numerator: float, denominator: float) -> float:
    """Divide two numbers."""
    return numerator / denominator


SCRIPT = [
    {"next_thought": "I need the population of Paris.", "next_tool_name": "lookup_population",
     "next_tool_args": {"city": "Paris"}},
    {"next_thought": "Now the population of Lyon, then divide.", "next_tool_name": "lookup_population",
     "next_tool_args": {"city": "Lyon"}},
    {"next_thought": "Paris has about four times as many people.", "next_tool_name": "divide",
     "next_tool_args": {"numerator": 2102650, "denominator": 522250}},
    {"next_thought": "I have what I need.", "next_tool_name": "finish", "next_tool_args": {}},
    {"reasoning": "Paris has 2102650 people and Lyon 522250; the ratio is about 4.03.",
     "answer": "About 4.03 times"},
]


def messages(lm):
    return [h["messages"] for h in lm.history]


def main():
    os.makedirs(OUT, exist_ok=True)
    lm = DummyLM(SCRIPT)
    dspy.configure(lm=lm)
    agent = dspy.ReAct("question -> answer", tools=[lookup_population, divide], max_iters=5)
    pred = agent(question="How many times more people live in Paris than in Lyon?")
    out = {
        "question": "How many times more people live in Paris than in Lyon?",
        "script": SCRIPT,
        "prompts": messages(lm),
        "prediction": {k: v for k, v in pred.items()},
        "named_predictors": [n for n, _ in agent.named_predictors()],
        "tool_strings": [str(t) for t in agent.tools.values()],
    }
    with open(os.path.join(OUT, "two_tools.json"), "w") as f:
        json.dump(out, f, indent=1, ensure_ascii=False)
        f.write("\n")

    # Max iterations: the agent never finishes; after 2 steps the extract step runs.
    lm = DummyLM(SCRIPT[:2] + [SCRIPT[4]])
    dspy.configure(lm=lm)
    agent = dspy.ReAct("question -> answer", tools=[lookup_population, divide], max_iters=2)
    pred = agent(question="Population of Paris and Lyon?")
    with open(os.path.join(OUT, "max_iters.json"), "w") as f:
        json.dump({"question": "Population of Paris and Lyon?", "script": SCRIPT[:2] + [SCRIPT[4]],
                   "prompts": messages(lm), "prediction": {k: v for k, v in pred.items()}}, f, indent=1,
                  ensure_ascii=False)
        f.write("\n")

    # A saved ReAct whose instructions an optimizer changed, with a demo.
    agent = dspy.ReAct("question -> answer", tools=[lookup_population, divide], max_iters=5)
    agent.react.signature = agent.react.signature.with_instructions(
        agent.react.signature.instructions + "\nPrefer fewer tool calls.")
    agent.extract.predict.demos = [dspy.Example(question="Q?", trajectory="T", reasoning="R", answer="A")]
    agent.save(os.path.join(OUT, "saved_react.json"))
    lm = DummyLM(SCRIPT)
    dspy.configure(lm=lm)
    agent(question="How many times more people live in Paris than in Lyon?")
    with open(os.path.join(OUT, "saved_react_prompts.json"), "w") as f:
        json.dump(messages(lm), f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(f"react goldens -> {os.path.normpath(OUT)}")


if __name__ == "__main__":
    main()
