"""Python's random module (what DSPy's optimizers draw with) on fixed seeds.

Writes core/src/test/resources/dspy-goldens/random/random.json: for each seed, the results of
random(), randint(), shuffle(), sample() (both of CPython's algorithms) and choice() in a fixed order,
so dspy4j's PyRandom can be checked to draw exactly what DSPy's Random(seed) draws.
"""
import json
import os
import random

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "core", "src", "test", "resources",
                   "dspy-goldens", "random", "random.json")


def script(seed):
    rng = random.Random(seed)
    steps = []
    steps.append(["random", [rng.random() for _ in range(5)]])
    for a, b in [(0, 1), (1, 6), (0, 1000), (1, 4), (5, 5)]:
        steps.append(["randint", [a, b], rng.randint(a, b)])
    for n in [0, 1, 2, 7, 30, 100]:
        xs = list(range(n))
        rng.shuffle(xs)
        steps.append(["shuffle", n, xs])
    for n, k in [(10, 3), (16, 16), (20, 5), (100, 16), (1000, 4), (30, 0), (400, 30)]:
        steps.append(["sample", [n, k], rng.sample(range(n), k)])
    for n in [1, 3, 10]:
        steps.append(["choice", n, rng.choice(list(range(n)))])
    steps.append(["random", [rng.random() for _ in range(3)]])
    return steps


def main():
    seeds = [0, 1, 2, 3, 42, 1234567, 2 ** 32 + 5, 2 ** 70 + 11, -7]
    data = [{"seed": s, "steps": script(s)} for s in seeds]
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(data, f, indent=1)
        f.write("\n")
    print(f"{len(seeds)} seeds -> {os.path.normpath(OUT)}")


if __name__ == "__main__":
    main()
