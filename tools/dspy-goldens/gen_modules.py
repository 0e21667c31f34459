"""Golden data for dspy4j's issue 20 modules, produced by running real DSPy 3.3.1 offline.

Writes core/src/test/resources/dspy-goldens/modules/:
  multi_chain_comparison.json  MultiChainComparison prompts (messages and LM kwargs) for given completions
  refine.json                  every LM call of Refine runs (attempts, OfferFeedback step, hinted retry),
                               plus the Python source texts DSPy embedded (program_code, reward_code)
  best_of_n.json               the order of BestOfN attempts (rollout_id, temperature of each LM call)
  majority.json                dspy.majority winners and normalize_text values on tricky inputs

Deterministic: scripted LM answers, no randomness. Run: python3 tools/dspy-goldens/gen_modules.py
"""
import json
import os

import dspy_offline

dspy = dspy_offline.dspy
from dspy.utils.dummies import DummyLM  # noqa: E402
from dspy.evaluate import normalize_text  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "core", "src", "test", "resources", "dspy-goldens", "modules")
os.makedirs(OUT, exist_ok=True)

CALLS = []  # every LM call of the scripted LMs (copies share this list: BaseLM.copy is shallow)


class RecordingLM(DummyLM):
    """DSPy's DummyLM that also records the messages and effective kwargs of each call."""

    def forward(self, prompt=None, messages=None, **kwargs):
        merged = {**self.kwargs, **kwargs}
        CALLS.append({
            "messages": [{"role": m["role"], "content": m["content"]} for m in messages],
            "kwargs": {k: merged[k] for k in sorted(merged) if k in ("rollout_id", "temperature", "n")},
        })
        return super().forward(prompt=prompt, messages=messages, **kwargs)


def write(name, data):
    with open(os.path.join(OUT, name), "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False, indent=2, sort_keys=False)
        f.write("\n")


def take_calls():
    calls = list(CALLS)
    CALLS.clear()
    return calls


# ---- MultiChainComparison ----------------------------------------------------------------------
def mcc_case(name, signature, M, completions, inputs, answer):
    lm = RecordingLM([answer])
    dspy.configure(lm=lm, adapter=None)
    mcc = dspy.MultiChainComparison(signature, M=M)
    pred = mcc(completions=completions, **inputs)
    return {
        "name": name,
        "signature": signature,
        "M": M,
        "completions": completions,
        "inputs": inputs,
        "answer": answer,
        "prediction": dict(pred),
        "calls": take_calls(),
    }


mcc = [
    mcc_case(
        "three_attempts",
        "question -> answer",
        3,
        [
            {"reasoning": "add two and two\nthen double check", "answer": "4"},
            {"rationale": "  count on fingers  ", "reasoning": "ignored", "answer": "  four \n more"},
            {"reasoning": "guess", "answer": "5"},
        ],
        {"question": "What is 2+2?"},
        {"rationale": "Two plus two is four.", "answer": "4"},
    ),
    mcc_case(
        "typed_last_output_and_two_inputs",
        "context, question -> summary, confidence: float",
        2,
        [
            {"reasoning": "it says «Paris»", "summary": "Paris", "confidence": 0.9},
            {"reasoning": "Ünïcode — fine", "summary": "Lyon", "confidence": 1.0},
        ],
        {"context": ["Paris is the capital.", "Lyon is big."], "question": "Capital?"},
        {"rationale": "The context says Paris.", "summary": "Paris", "confidence": 0.95},
    ),
]
write("multi_chain_comparison.json", mcc)


# ---- Refine --------------------------------------------------------------------------------------
def one_word_answer(args, pred):
    return 1.0 if len(pred.answer.split()) == 1 else 0.0


def refine_case(name, module, answers, N=3, threshold=1.0):
    lm = RecordingLM(answers)
    dspy.configure(lm=lm, adapter=None)
    refine = dspy.Refine(module=module, N=N, reward_fn=one_word_answer, threshold=threshold)
    pred = refine(question="What is the capital of Belgium?")
    return {
        "name": name,
        "N": N,
        "threshold": threshold,
        "program_code": refine.module_code,
        "reward_code": refine.reward_fn_code,
        "answers": answers,
        "prediction": dict(pred),
        "calls": take_calls(),
    }


refine = [
    refine_case(
        "chain_of_thought_second_attempt_passes",
        dspy.ChainOfThought("question -> answer"),
        [
            {"reasoning": "Belgium's capital city is Brussels.", "answer": "The capital is Brussels"},
            {"discussion": "The module answered with a sentence.",
             "advice": {"predict": "Answer with the single word naming the city."}},
            {"reasoning": "Brussels.", "answer": "Brussels"},
        ],
    ),
    refine_case(
        "predict_all_attempts_fail_advice_for_other_module",
        dspy.Predict("question -> answer"),
        [
            {"answer": "It is Brussels"},
            {"discussion": "Too long «really».", "advice": {"other": "N/A"}},
            {"answer": "Brussels, of course"},
            {"discussion": "Still long.", "advice": {"self": "One word.\nNo punctuation."}},
            {"answer": "Brussels ok"},
        ],
    ),
]
write("refine.json", refine)


# ---- BestOfN attempt order -----------------------------------------------------------------------
def best_of_n_case(name, answers, N, threshold):
    lm = RecordingLM(answers)
    dspy.configure(lm=lm, adapter=None)
    best = dspy.BestOfN(module=dspy.Predict("question -> answer"), N=N, reward_fn=one_word_answer, threshold=threshold)
    pred = best(question="What is the capital of Belgium?")
    calls = take_calls()
    return {
        "name": name,
        "N": N,
        "threshold": threshold,
        "answers": answers,
        "prediction": dict(pred),
        "attempts": [c["kwargs"] for c in calls],
    }


best_of_n = [
    best_of_n_case("third_of_five_passes", [{"answer": "It is Brussels"}, {"answer": "Brussels it is"},
                                            {"answer": "Brussels"}, {"answer": "Gent"}, {"answer": "Liège"}], 5, 1.0),
    best_of_n_case("none_passes_first_best_kept", [{"answer": "a b"}, {"answer": "c d"}, {"answer": "e f"}], 3, 2.0),
]
write("best_of_n.json", best_of_n)


# ---- majority --------------------------------------------------------------------------------------
def majority_case(name, completions, field=None):
    winner = dspy.majority(completions, field=field) if field else dspy.majority(completions)
    return {"name": name, "completions": completions, "field": field, "winner": dict(winner)}


majority = [
    majority_case("simple", [{"answer": "Paris"}, {"answer": "London"}, {"answer": "paris!"}]),
    majority_case("tie_goes_to_earliest", [{"answer": "B"}, {"answer": "A"}, {"answer": "A"}, {"answer": "B"}]),
    majority_case("articles_and_punctuation", [{"answer": "The Eiffel Tower"}, {"answer": "eiffel tower."},
                                               {"answer": "An Eiffel-Tower"}, {"answer": "a tower"}]),
    majority_case("empty_after_normalising_is_dropped", [{"answer": "..."}, {"answer": "the"}, {"answer": "!!"},
                                                         {"answer": "yes"}]),
    majority_case("all_empty_counts_none", [{"answer": "..."}, {"answer": "?"}]),
    majority_case("unicode_nfd_and_whitespace", [{"answer": "Caf\u00e9\u00a0au lait"}, {"answer": "cafe au lait"},
                                                 {"answer": "CAFE\u0301 au\u2003lait"}, {"answer": "cafe au lait"}]),
    majority_case("last_field_by_default", [{"reasoning": "x", "answer": "1"}, {"reasoning": "x", "answer": "2"},
                                            {"reasoning": "y", "answer": "2"}]),
    majority_case("explicit_field", [{"reasoning": "x", "answer": "1"}, {"reasoning": "y", "answer": "2"},
                                     {"reasoning": "y", "answer": "1"}], field="reasoning"),
    majority_case("word_boundaries", [{"answer": "theater"}, {"answer": "the ater"}, {"answer": "ater"},
                                      {"answer": "Theater"}]),
]
texts = ["The,  Eiffel  Tower!", "  a\tb\nc  ", "Ünïcödé ÅNGSTRÖM", "an_apple", "the-end", "ß and ǅ", "İstanbul",
         "x\u00a0\u2009y", "\u201cquoted\u201d", "a.b,c;d", "«the» a", "THE"]
normalized = [{"text": t, "normalized": normalize_text(t)} for t in texts]
write("majority.json", {"cases": majority, "normalize_text": normalized})
print("wrote", OUT)
