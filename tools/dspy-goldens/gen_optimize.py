"""Golden outputs of DSPy's few-shot optimizers on scripted tasks.

A DummyLM answers each question of a 12-example trainset by a fixed script: right on some, wrong on
others. DSPy's LabeledFewShot and BootstrapFewShot compile two programs (one ChainOfThought; a Predict
followed by a ChainOfThought); the compiled programs are saved as DSPy saves them, and the prompt each
compiled program sends for a new question is recorded. Writes core/src/test/resources/dspy-goldens/optimize/.
"""
import json
import os

import dspy_offline  # noqa: F401  (real DSPy, offline)
import dspy
from dspy.evaluate import answer_exact_match
from dspy.teleprompt import BootstrapFewShot, LabeledFewShot
from dspy.utils.dummies import DummyLM

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "core", "src", "test", "resources",
                   "dspy-goldens", "optimize")

N = 12
RIGHT = {1, 2, 4, 7, 8, 10}


class QA(dspy.Module):
    def __init__(self):
        super().__init__()
        self.generate_answer = dspy.ChainOfThought("question -> answer")

    def forward(self, question):
        return self.generate_answer(question=question)


class RewriteThenAnswer(dspy.Module):
    def __init__(self):
        super().__init__()
        self.rewrite = dspy.Predict("question -> query")
        self.answer = dspy.ChainOfThought("query -> answer")

    def forward(self, question):
        query = self.rewrite(question=question).query
        return self.answer(query=query)


def trainset():
    return [dspy.Example(question=f"<q{i}>", answer=f"a{i}").with_inputs("question") for i in range(N)]


def script():
    answers = {}
    for i in range(N + 1):
        answers[f"<q{i}>"] = {"reasoning": f"r{i}", "answer": f"a{i}" if i in RIGHT else "wrong", "query": f"<k{i}>"}
        answers[f"<k{i}>"] = {"reasoning": f"s{i}", "answer": f"a{i}" if i in RIGHT else "wrong"}
    return answers


def save(program, name):
    path = os.path.join(OUT, name)
    program.save(path)
    with open(path) as f:
        data = json.load(f)
    data.pop("metadata", None)  # dependency versions of this machine; not part of the comparison
    with open(path, "w") as f:
        json.dump(data, f, indent=2, ensure_ascii=False)
        f.write("\n")


def prompt_for(program, question):
    lm = DummyLM(script())
    with dspy.context(lm=lm):
        program(question=question)
    return [h["messages"] for h in lm.history]


def main():
    os.makedirs(OUT, exist_ok=True)
    expectations = {}
    dspy.configure(lm=DummyLM(script()))
    for name, make in [("qa", QA), ("rewrite_then_answer", RewriteThenAnswer)]:
        labeled = LabeledFewShot(k=5).compile(make(), trainset=trainset())
        save(labeled, f"{name}_labeled.json")
        dspy.configure(lm=DummyLM(script()))
        bootstrapped = BootstrapFewShot(metric=answer_exact_match, max_bootstrapped_demos=3,
                                        max_labeled_demos=5).compile(make(), trainset=trainset())
        save(bootstrapped, f"{name}_bootstrapped.json")
        expectations[name] = {
            "names": [n for n, _ in bootstrapped.named_predictors()],
            "bootstrapped_prompts": prompt_for(bootstrapped, f"<q{N}>"),
        }
    with open(os.path.join(OUT, "expectations.json"), "w") as f:
        json.dump({"n": N, "right": sorted(RIGHT), "programs": expectations}, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(f"optimizer goldens -> {os.path.normpath(OUT)}")


if __name__ == "__main__":
    main()
