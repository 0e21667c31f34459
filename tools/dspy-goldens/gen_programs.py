"""Golden files for dspy4j's programs: DSPy's save() JSON, named_predictors() and prompts after load.

For each program below (a Python DSPy program with a twin in dspy4j's ProgramGoldenTest):
  python-saved/<name>.json           the file DSPy's program.save() writes after its state is set
  python-saved/<name>.resaved.json   what DSPy writes when a fresh program loads that file and saves again
  python-saved/<name>.expected.json  DSPy's named_predictors() names, and for each call the inputs, the
                                     DummyLM answers and the exact messages DSPy sends, after the load
For each file dspy4j saved (java-saved/<name>.json, written by dspy4j's tests and committed):
  java-saved/<name>.python.json      DSPy's names and the messages DSPy sends after loading dspy4j's file
  java-saved/<name>.python-resaved.json  what DSPy's save writes after loading dspy4j's file
Plus unportable files DSPy writes: bad/program_dir/ (save_program=True), bad/state.pkl, bad/flex.json
(program.pkl's bytes vary between runs, as cloudpickle's do; only what it is matters), and
examples/.../programs/rag_optimized.json: the BootstrapFewShot-optimized Rag program the load-program
example runs. infer_prefix.json: DSPy's infer_prefix() of field names (the default prefixes a save writes).

Deterministic: fixed inputs and answers, no randomness; run twice, same bytes.
"""
import json
import os
import random
import shutil
import sys

import dspy_offline

dspy = dspy_offline.dspy
from dspy.utils.dummies import DummyLM  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "core", "src", "test", "resources",
                    "dspy-goldens", "programs")
PY = os.path.join(ROOT, "python-saved")
JAVA = os.path.join(ROOT, "java-saved")
EXAMPLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples", "src", "main", "resources",
                       "dev", "dspy4j", "examples", "programs", "rag_optimized.json")
BAD = os.path.join(ROOT, "bad")


# ---------------------------------------------------------------- programs (twins in ProgramFixtures.java)

class Rag(dspy.Module):
    def __init__(self):
        super().__init__()
        self.rewrite = dspy.Predict("question -> query")
        self.generate_answer = dspy.ChainOfThought("context: list[str], question -> answer")

    def forward(self, question):
        query = self.rewrite(question=question).query
        return self.generate_answer(context=[f"passage about {query}"], question=question)


class Summarizer(dspy.Module):
    def __init__(self):
        super().__init__()
        self.summarize = dspy.Predict("text -> summary")
        self.critique = dspy.ChainOfThought("summary -> verdict: bool")

    def forward(self, text):
        summary = self.summarize(text=text).summary
        return self.critique(summary=summary)


class Pipeline(dspy.Module):
    def __init__(self):
        super().__init__()
        self.summarizer = Summarizer()
        self.final_answer = dspy.Predict("text, verdict: bool -> answer")

    def forward(self, text):
        verdict = self.summarizer(text=text).verdict
        return self.final_answer(text=text, verdict=verdict)


class MultiHop(dspy.Module):
    def __init__(self):
        super().__init__()
        self.hops = [dspy.Predict("context: list[str], question -> query") for _ in range(2)]
        self.experts = {"math": dspy.Predict("question -> answer"),
                        "history": dspy.ChainOfThought("question -> answer")}

    def forward(self, question):
        context = []
        for hop in self.hops:
            query = hop(context=context, question=question).query
            context = context + [f"result for {query}"]
        return self.experts["history"](question=question)


class PickOption(dspy.Signature):
    """Pick the right option for the trivia question."""

    question: str = dspy.InputField(desc="a trivia question")
    options: list[str] = dspy.InputField()
    answer: int = dspy.OutputField(desc="the index of the right option")
    confidence: float = dspy.OutputField()


class Typed(dspy.Module):
    def __init__(self):
        super().__init__()
        self.pick = dspy.Predict(PickOption)

    def forward(self, question, options):
        return self.pick(question=question, options=options)


def search_wikipedia(query: str) -> str:
    """Search Wikipedia for a short abstract."""
    return f"abstract of {query}"


def react_agent():
    return dspy.ReAct("question -> answer", tools=[search_wikipedia])


def bare_predict():
    return dspy.Predict("question -> answer")


def cot():
    return dspy.ChainOfThought("question -> answer")


PROGRAMS = {
    "bare_predict": bare_predict,
    "cot_augmented": cot,
    "two_predictors": Rag,
    "nested": Pipeline,
    "lists_and_maps": MultiHop,
    "typed_fields": Typed,
    "changed_instructions_prefixes": cot,
    "bootstrap_optimized": Rag,
    "escapes_and_numbers": bare_predict,
    "lm_section": bare_predict,
    "react_agent": react_agent,
}

# Inputs and DummyLM answers of each program's calls (one answer per LM call, in order).
CALLS = {
    "bare_predict": [({"question": "What is the capital of France?"}, [{"answer": "Paris"}])],
    "cot_augmented": [({"question": "How many legs do 3 spiders have?"}, [{"reasoning": "8 each.", "answer": "24"}])],
    "two_predictors": [({"question": "Who wrote Hamlet?"},
                        [{"query": "Hamlet author"}, {"reasoning": "Known.", "answer": "Shakespeare"}])],
    "nested": [({"text": "The cat sat on the mat all day."},
                [{"summary": "A cat rested."}, {"reasoning": "Accurate.", "verdict": "True"}, {"answer": "yes"}])],
    "lists_and_maps": [({"question": "When did Rome fall?"},
                        [{"query": "fall of Rome"}, {"query": "476 AD"}, {"reasoning": "Western empire.", "answer": "476"}])],
    "typed_fields": [({"question": "Largest planet?", "options": ["Mars", "Jupiter", "Venus"]},
                      [{"answer": "1", "confidence": "0.9"}])],
    "changed_instructions_prefixes": [({"question": "Who took the cookie?"},
                                       [{"reasoning": "Crumbs.", "answer": "The dog"}])],
    "bootstrap_optimized": [({"question": "What is 2+2?"},
                             [{"query": "2+2"}, {"reasoning": "Add.", "answer": "4"}])],
    "escapes_and_numbers": [({"question": "Say \"hi\" in Japanese\tplease"}, [{"answer": "こんにちは"}])],
    "lm_section": [({"question": "Ping?"}, [{"answer": "Pong"}])],
    # ReAct's predictors are called one by one (the ReAct loop itself is not part of these goldens)
    "react_agent": [
        ({"predictor": "react", "question": "Where was Ada Lovelace born?",
          "trajectory": "[[ ## thought_0 ## ]]\nSearch first.\n\n[[ ## tool_name_0 ## ]]\nsearch_wikipedia"},
         [{"next_thought": "Done.", "next_tool_name": "finish", "next_tool_args": {}}]),
        ({"predictor": "extract.predict", "question": "Where was Ada Lovelace born?", "trajectory": "London."},
         [{"reasoning": "The trajectory says so.", "answer": "London"}]),
    ],
}


def set_state(name, program):
    """The learned state each program is saved with."""
    if name == "bare_predict":
        program.signature = program.signature.with_instructions("Answer with one word.")
        program.demos = [dspy.Example(question="Capital of Italy?", answer="Rome"),
                         dspy.Example(question="Capital of Spain?", answer="Madrid")]
    elif name == "cot_augmented":
        program.predict.demos = [
            dspy.Example(augmented=True, question="How many legs do 2 dogs have?", reasoning="4 each.", answer="8"),
            dspy.Example(question="How many wheels do 2 bikes have?", answer="4",
                         dspy_uuid="0f6a2b0e-0000-4000-8000-000000000001", dspy_split="train"),
            dspy.Example(question="An incomplete one?", reasoning="Only reasoning."),
        ]
    elif name == "two_predictors":
        program.rewrite.demos = [dspy.Example(question="Who painted the Mona Lisa?", query="Mona Lisa painter")]
        program.generate_answer.predict.signature = program.generate_answer.predict.signature.with_instructions(
            "Answer using the context.")
    elif name == "nested":
        program.summarizer.summarize.demos = [dspy.Example(text="Long text.", summary="Short.")]
        program.summarizer.critique.predict.demos = [
            dspy.Example(augmented=True, summary="Short.", reasoning="Fine.", verdict=True)]
        program.final_answer.signature = program.final_answer.signature.with_instructions("Reply yes or no.")
    elif name == "lists_and_maps":
        program.hops[1].demos = [dspy.Example(context=["a", "b"], question="Q?", query="q")]
        program.experts["math"].signature = program.experts["math"].signature.with_instructions("Compute.")
        program.experts["history"].predict.demos = [
            dspy.Example(augmented=True, question="When did WW2 end?", reasoning="Known.", answer="1945")]
    elif name == "typed_fields":
        program.pick.demos = [
            dspy.Example(question="Smallest prime?", options=["1", "2", "3"], answer=1, confidence=1.0),
            dspy.Example(question="Boiling point of water in C?", options=["90", "100"], answer=1, confidence=3e-05),
        ]
    elif name == "changed_instructions_prefixes":
        sig = program.predict.signature.with_instructions("Think like a detective.\nBe brief.")
        sig = sig.with_updated_fields("answer", prefix="Final Answer:", desc="the culprit, in a few words")
        sig = sig.with_updated_fields("question", desc="the mystery to solve")
        sig = sig.with_updated_fields("reasoning", prefix="Clues: Let's think step by step in order to")
        program.predict.signature = sig
    elif name == "bootstrap_optimized":
        bootstrap(program)
    elif name == "escapes_and_numbers":
        program.demos = [
            dspy.Example(question="Quote \"this\" \\ and </desc> and\nnewline", answer="ok\ttab"),
            dspy.Example(question="Numbers?", answer=42),
            dspy.Example(question="Unicode é ü 中文 🙂 and \u0001 control", answer="sí"),
        ]
    elif name == "react_agent":  # as an optimizer leaves a ReAct: new instructions, bootstrapped demos
        react = program.react
        react.signature = react.signature.with_instructions(
            "Find the answer with the tools. <desc>Be thorough.</desc>\n" + react.signature.instructions)
        react.demos = [dspy.Example(augmented=True, question="Capital of Peru?", trajectory="none yet",
                                    next_thought="Search.", next_tool_name="search_wikipedia",
                                    next_tool_args={"query": "Peru"})]
        program.extract.predict.demos = [dspy.Example(augmented=True, question="Capital of Peru?",
                                                      trajectory="Lima is the capital.", reasoning="Stated.",
                                                      answer="Lima")]
    elif name == "lm_section":
        lm = dspy.LM("openai/gpt-4o-mini", temperature=0.7, max_tokens=500, api_base="https://example.invalid/v1")
        program.lm = lm
    else:
        raise KeyError(name)


def bootstrap(program):
    """Real optimizer output: BootstrapFewShot over the Rag program with a scripted teacher LM."""
    trainset = [dspy.Example(question=f"What is {i}+{i}?", answer=str(2 * i)).with_inputs("question")
                for i in range(1, 5)]
    answers = []
    for i in range(1, 5):
        answers += [{"query": f"{i}+{i}"}, {"reasoning": f"Add {i} and {i}.", "answer": str(2 * i)}]
    teacher_lm = DummyLM(answers)

    def metric(example, prediction, trace=None):
        return example.answer == prediction.answer

    optimizer = dspy.BootstrapFewShot(metric=metric, max_bootstrapped_demos=2, max_labeled_demos=3)
    with dspy.context(lm=teacher_lm):
        compiled = optimizer.compile(program, trainset=trainset)
    for name, p in compiled.named_predictors():
        dict(program.named_predictors())[name].demos = p.demos
        dict(program.named_predictors())[name].signature = p.signature


def run(program, calls):
    for _, predictor in program.named_predictors():
        predictor.lm = None  # a saved LM would be called instead of the DummyLM; the prompt does not depend on it
    out = []
    for inputs, answers in calls:
        lm = DummyLM([dict(a) for a in answers])
        inputs = dict(inputs)
        target = program
        if "predictor" in inputs:  # call one named predictor directly
            target = dict(program.named_predictors())[inputs["predictor"]]
        with dspy.context(lm=lm, adapter=dspy.ChatAdapter()):
            target(**{k: v for k, v in inputs.items() if k != "predictor"})
        out.append({"inputs": inputs, "answers": answers,
                    "messages": [[{"role": m["role"], "content": m["content"]} for m in h["messages"]]
                                 for h in lm.history]})
    return out


def write_json(path, value):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(value, f, indent=2, ensure_ascii=False)
        f.write("\n")


def python_saved():
    os.makedirs(PY, exist_ok=True)
    for name, factory in PROGRAMS.items():
        program = factory()
        set_state(name, program)
        path = os.path.join(PY, f"{name}.json")
        program.save(path)
        if name == "bootstrap_optimized":
            program.save(EXAMPLE)  # the file the load-program example runs
        loaded = factory()
        loaded.load(path)
        loaded.save(os.path.join(PY, f"{name}.resaved.json"))
        write_json(os.path.join(PY, f"{name}.expected.json"), {
            "named_predictors": [n for n, _ in loaded.named_predictors()],
            "calls": run(loaded, CALLS[name]),
        })


# Programs dspy4j's tests build and save (state set through dspy4j's API); twins of these Python programs.
JAVA_PROGRAMS = {
    "java_bare_predict": (bare_predict, "bare_predict"),
    "java_two_predictors": (Rag, "two_predictors"),
    "java_typed_fields": (Typed, "typed_fields"),
    "java_nested": (Pipeline, "nested"),
}


def java_saved():
    if not os.path.isdir(JAVA):
        return
    for name, (factory, calls) in JAVA_PROGRAMS.items():
        path = os.path.join(JAVA, f"{name}.json")
        if not os.path.exists(path):
            print(f"  {path} missing: run dspy4j's ProgramGoldenTest first (it writes the file)", file=sys.stderr)
            continue
        program = factory()
        program.load(path)
        program.save(os.path.join(JAVA, f"{name}.python-resaved.json"))  # what Python writes back
        write_json(os.path.join(JAVA, f"{name}.python.json"), {
            "named_predictors": [n for n, _ in program.named_predictors()],
            "calls": run(program, CALLS[calls]),
        })


def bad_files():
    import random
    random.seed(0)  # Predict draws a random `stage` id, which the pickles contain
    os.makedirs(BAD, exist_ok=True)
    program_dir = os.path.join(BAD, "program_dir")
    shutil.rmtree(program_dir, ignore_errors=True)
    cot().save(program_dir, save_program=True)
    cot().save(os.path.join(BAD, "state.pkl"))
    from dspy.predict.flex import Flex  # noqa: F401  (imported to show the state is Flex's own)
    flex_state = {"module_src": "class Program(dspy.Module):\n    pass\n", "lm": None,
                  "metadata": {"dependency_versions": dspy.utils.saving.get_dependency_versions()}}
    with open(os.path.join(BAD, "flex.json"), "wb") as f:
        import orjson
        f.write(orjson.dumps(flex_state, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE))


def infer_prefixes():
    from dspy.signatures.signature import infer_prefix
    names = ["question", "answer", "generate_answer", "camelCaseText", "HTMLParser", "text2number", "2text",
             "reasoning", "x", "API_key", "snake_case_text", "already Title", "a1b2", "ABC", "with__double",
             "_leading", "trailing_", "MixedCASEWord", "iOS", "numberOf3Things"]
    write_json(os.path.join(ROOT, "infer_prefix.json"), {n: infer_prefix(n) for n in names})


def orjson_texts():
    """How orjson (DSPy's save) writes floats and strings: [Python repr or string, orjson text] pairs."""
    import orjson
    floats = [0.0, -0.0, 1.0, 0.1, 0.5, 1.5, 100.0, 0.002, 3e-05, 1e-05, 0.0001, 1e-07, 123456789.123,
              1e15, 1e16, 1e17, 1.5e300, 5e-324, 1.7976931348623157e308, 2.5e-10, 1234567890123456.7,
              12345678901234567.0, -2.75, 0.30000000000000004, 1 / 3, 2 / 3, 9007199254740993.0]
    strings = ["plain", "quote \" backslash \\ slash /", "new\nline\ttab\rcr\bback\fform",
               "".join(chr(c) for c in range(0, 32)), "\u007f del", "\u2028\u2029 separators",
               "é ü 中文 🙂", "</desc>", "\ud7ff\ue000\uffff"]
    write_json(os.path.join(ROOT, "orjson_texts.json"), {
        "floats": [[repr(f), orjson.dumps(f).decode()] for f in floats],
        "strings": [[s, orjson.dumps(s).decode()] for s in strings],
    })


if __name__ == "__main__":
    orjson_texts()
    infer_prefixes()
    python_saved()
    java_saved()
    bad_files()
