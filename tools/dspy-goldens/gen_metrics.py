"""Golden values of DSPy's metrics (dspy/evaluate/metrics.py) on tricky strings.

Writes core/src/test/resources/dspy-goldens/metrics/metrics.jsonl: one JSON object per case with the
inputs and what real DSPy computed: normalize_text, EM, F1, HotPotF1, precision_score,
answer_exact_match (several frac values, str and list answers) and answer_passage_match.
Deterministic: a fixed seed; run again, get the same file.
"""
import json
import os
import random

import dspy_offline  # noqa: F401  (real DSPy, offline)
from dspy.evaluate import metrics as M
import dspy

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "core", "src", "test", "resources",
                   "dspy-goldens", "metrics", "metrics.jsonl")

# Hand-picked classes of trouble: articles at edges, punctuation that joins words, accents (NFD splits
# them into a letter and a combining mark), Unicode whitespace Python's split() knows, case rules with
# special lowering, digits of other scripts, underscores (a word character), empty strings.
HAND = [
    "", " ", "the", "The", "THE", "a", "an", "An apple", "the the the", "theater", "another",
    "a.n", "a-n", "an't", "the_cat", "The Eiffel Tower", "Eiffel  Tower!", "eiffel tower",
    "Paris, France", "paris", "The,  Eiffel  Tower!", "Café", "café", "Cafe\u0301", "naïve", "Ångström",
    "thé", "the\u0301", "a\u0300", "ÀN", "Straße", "STRASSE", "İstanbul", "istanbul", "ΟΔΟΣ", "οδος",
    "ΣΊΣΥΦΟΣ", "x\u00a0y", "x\u2007y", "x\u202fy", "x\u200by", "x\u3000y", "x\x1cy", "x\x1fy", "x\x85y",
    "x\u2028y", "tab\tsep", "new\nline", "cr\rline", "٣ apples", "½ cup", "² squared", "Ⅻ", "①",
    "中文 答案", "日本の首都は東京", "emoji 😀 face", "😀", "don't", "rock'n'roll", "U.S.A.", "u s a",
    "1,000", "1000", "3.14", "-5", "yes", "Yes.", "no", "No!", "noanswer", "no answer", "YES yes",
    "The answer is yes", "a b c", "c b a", "a a a b", "b a", "hello world", "hello, world",
    "Hello World!!!", "\u00e9\u00e8\u00ea", "e\u0301e\u0300", "ﬁne", "ﬀ", "Ǆ", "ǅ", "ǆ", "ß", "ẞ",
    "\u0130", "K", "Å", "Ω", "the\u00a0cat", "an\u2003apple", "(the)", "[a]", "{an}", "the-end",
    "end-the", "A-Team", "a_b", "_the_", "the1", "1the", "THE END", "the end.", "   padded   ",
    "multiple     spaces", "tabs\t\tand\nnewlines", "punct!!!only???", "!!!", "...", "—", "–dash–",
    "«quoted»", "“smart”", "‘single’", "¿qué?", "¡hola!", "l'homme", "l’homme", "a/b", "a\\b",
]
WORDS = ["the", "a", "an", "The", "A", "An", "Paris", "paris", "tower", "Tower", "eiffel", "café",
         "cafe", "naïve", "yes", "no", "noanswer", "1", "2", "one", "two", "x", "y", "Σ", "σ", "ς",
         "İ", "ß", "_", "a_b", "don't", "U.S.", "中", "文", "😀", "½", "٣"]
SEPS = [" ", "  ", "\t", "\n", ", ", ". ", "!", "?", "-", "'", "\u00a0", "\u3000", "\u2009", ""]


def random_string(rng):
    n = rng.randint(0, 7)
    parts = []
    for _ in range(n):
        parts.append(rng.choice(WORDS))
        parts.append(rng.choice(SEPS))
    s = "".join(parts)
    if rng.random() < 0.3:
        s = s.upper() if rng.random() < 0.5 else s.title()
    return s


def main():
    rng = random.Random(20261206)
    strings = list(HAND) + [random_string(rng) for _ in range(260)]
    cases = []
    for i, s in enumerate(strings):
        gold = rng.choice(strings)
        golds = [rng.choice(strings) for _ in range(rng.randint(1, 3))]
        passages = [rng.choice(strings) + " " + rng.choice(strings) for _ in range(rng.randint(1, 3))]
        if rng.random() < 0.4:
            passages.append("Some passage mentioning " + gold + " in passing.")
        example_str = dspy.Example(answer=gold)
        example_list = dspy.Example(answer=golds)
        pred = dspy.Prediction(answer=s, context=passages)
        cases.append({
            "id": f"m{i:04d}",
            "prediction": s,
            "gold": gold,
            "golds": golds,
            "passages": passages,
            "normalize_text": M.normalize_text(s),
            "em": bool(M.em_score(s, gold)),
            "f1": float(M.f1_score(s, gold)),
            "hotpot_f1": float(M.hotpot_f1_score(s, gold)),
            "precision": float(M.precision_score(s, gold)),
            "EM_list": bool(M.EM(s, golds)),
            "F1_list": float(M.F1(s, golds)),
            "answer_exact_match": bool(M.answer_exact_match(example_str, pred)),
            "answer_exact_match_list": bool(M.answer_exact_match(example_list, pred)),
            "answer_exact_match_frac_0_5": bool(M.answer_exact_match(example_list, pred, frac=0.5)),
            "answer_exact_match_frac_0_8": bool(M.answer_exact_match(example_str, pred, frac=0.8)),
            "answer_passage_match": bool(M.answer_passage_match(example_str, pred)),
            "answer_passage_match_list": bool(M.answer_passage_match(example_list, pred)),
        })
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as f:
        for c in cases:
            f.write(json.dumps(c, ensure_ascii=False, sort_keys=True) + "\n")
    print(f"{len(cases)} metric cases -> {os.path.normpath(OUT)}")


if __name__ == "__main__":
    main()


# ---- SemanticF1 and CompleteAndGrounded: the ChainOfThought programs DSPy defines -------------------
PROMPTS_OUT = os.path.join(os.path.dirname(OUT), "auto_evaluation.json")


def auto_evaluation():
    from dspy.evaluate.auto_evaluation import CompleteAndGrounded, SemanticF1
    from dspy.utils.dummies import DummyLM

    example = dspy.Example(question="What is the capital of France?",
                           response="Paris is the capital of France.").with_inputs("question")
    pred = dspy.Prediction(response="The capital is Paris, a city on the Seine.",
                           context="Paris is the capital and largest city of France.")
    out = {}
    cases = [
        ("semantic_f1", lambda: SemanticF1(), [{"reasoning": "Both say Paris.", "recall": "0.9", "precision": "0.6"}]),
        ("semantic_f1_decompositional", lambda: SemanticF1(decompositional=True),
         [{"reasoning": "r", "ground_truth_key_ideas": "1. Paris", "system_response_key_ideas": "1. Paris 2. Seine",
           "discussion": "d", "recall": "1.0", "precision": "0.5"}]),
        ("complete_and_grounded", lambda: CompleteAndGrounded(),
         [{"reasoning": "r1", "ground_truth_key_ideas": "1. Paris", "system_response_key_ideas": "1. Paris",
           "discussion": "d1", "completeness": "0.8"},
          {"reasoning": "r2", "system_response_claims": "1. Paris is the capital", "discussion": "d2",
           "groundedness": "1.2"}]),
    ]
    for name, make, answers in cases:
        lm = DummyLM(answers)
        with dspy.context(lm=lm):
            metric = make()
            score = metric(example, pred).score
            passed = metric(example, pred, trace=[]).score if False else None
        out[name] = {
            "answers": answers,
            "score": score,
            "prompts": [h["messages"] for h in lm.history],
        }
    out["inputs"] = {"example": dict(example.items()), "prediction": dict(pred.items())}
    with open(PROMPTS_OUT, "w", encoding="utf-8") as f:
        json.dump(out, f, ensure_ascii=False, indent=1, sort_keys=True)
        f.write("\n")
    print(f"auto-evaluation prompts -> {os.path.normpath(PROMPTS_OUT)}")


if __name__ == "__main__":
    auto_evaluation()
