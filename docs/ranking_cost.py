"""What issue #15's ranking costs per question: the earlier Policy against the shipped one.

    pip install -e . && python docs/ranking_cost.py

Interleaved in one process on the shipped essay: each round asks 30 held-out questions under
each Policy in turn, once with the sentence vectors forgotten (a question whose passages rank
for the first time, when every passage fused is embedded) and once again (from the caches).
Prints the median and p99 of each, and the load average.
"""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path

from retrieval_sets import BEFORE

from bot import similarity
from bot.answering import DEFAULT_POLICY, Answerer
from bot.measure.evaluation import load_questions
from index import PassageIndex, load_documents

ROOT = Path(__file__).resolve().parent.parent
ROUNDS = 5


def _forget_vectors() -> None:
    """Empty the process's cache of sentence vectors (bot/similarity.py's own, private)."""
    with similarity._lock:
        similarity._cache.clear()


def main() -> None:
    index = PassageIndex(load_documents(ROOT / "seeds"))
    questions = [q.question for q in load_questions(ROOT / "tests/eval/heldout.jsonl")][:30]
    answerers = {
        name: Answerer(index, policy, similarity.best_similarity, english=similarity.model_words())
        for name, policy in (("before", BEFORE), ("shipped", DEFAULT_POLICY))
    }
    answerers["shipped"].ask("What is this essay about?")  # load the model first
    times: dict[tuple[str, str], list[float]] = {}
    for _ in range(ROUNDS):
        for name, answerer in answerers.items():
            for question in questions:
                _forget_vectors()
                for kind in ("new", "repeated"):
                    start = time.perf_counter()
                    answerer.ask(question)
                    times.setdefault((name, kind), []).append(time.perf_counter() - start)
    for (name, kind), values in sorted(times.items()):
        values.sort()
        p99 = values[max(0, round(0.99 * len(values)) - 1)]
        median = statistics.median(values)
        print(f"{name:8} {kind:9} p50 {median * 1000:7.1f} ms  p99 {p99 * 1000:7.1f} ms")
    print("load average", " ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
