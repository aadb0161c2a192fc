"""Could coverage alone decide some questions, so the encoder is not run? A measurement.

Run from the repository root: `PYTHONPATH=. python docs/cascade_measure.py`. For every gold
question it logs the best coverage and similarity of the hits the confidence is taken over,
and the answerer's decision. A rule "coverage <= LO: decline; coverage >= HI: the gate is
passed (the later checks still run)" is chosen on the tuning files as the widest that changes
no decision there, then applied to every set: skips and flipped decisions are printed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from bot.answering import DEFAULT_POLICY, Answerer
from bot.measure.evaluation import load_questions
from bot.similarity import best_similarity, model_words
from index import PassageIndex, load_documents

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT / "tests/eval"


@dataclass(frozen=True)
class Logged:
    """One question: its evidence and decisions."""

    set_name: str
    question: str
    hits: int
    coverage: float  # the best of the hits the confidence is taken over (its evidence)
    similarity: float
    answered: bool  # the answerer's decision today
    answered_past_gate: bool  # its decision were the confidence gate passed regardless


def log_set(set_name: str, index: PassageIndex, questions: list[str]) -> list[Logged]:
    """Every question of one gold set, logged."""
    english = model_words()
    answerer = Answerer(index, DEFAULT_POLICY, best_similarity, english=english)
    opened = replace(DEFAULT_POLICY, min_confidence=0.0)
    open_gate = Answerer(index, opened, best_similarity, english=english)
    logged = []
    for question in questions:
        answer = answerer.ask(question)
        evidence = answer.evidence
        logged.append(
            Logged(
                set_name,
                question,
                len(evidence),
                max((e.coverage for e in evidence), default=0.0),
                max((e.similarity for e in evidence), default=0.0),
                answer.answered,
                open_gate.ask(question).answered,
            )
        )
    return logged


def cascade(row: Logged, low: float, high: float) -> tuple[str, bool]:
    """(which way the question went, its decision) under the rule."""
    if row.hits == 0:
        return "no hits", row.answered  # nothing is embedded today either
    if row.coverage <= low:
        return "declined by coverage", False
    if row.coverage >= high:
        return "gate passed by coverage", row.answered_past_gate
    return "encoder", row.answered


def widest_rule(rows: list[Logged]) -> tuple[float, float]:
    """The highest LO and lowest HI that change no decision of `rows`."""
    scored = [r for r in rows if r.hits]
    answered = [r.coverage for r in scored if r.answered]
    low = max(
        (c for c in {r.coverage for r in scored} if c < min(answered, default=1.0)), default=-1.0
    )
    # HI: the lowest coverage from which on every question decides as it would past the gate
    high = 1.01
    for c in sorted({r.coverage for r in scored}, reverse=True):
        if all(r.answered == r.answered_past_gate for r in scored if r.coverage >= c):
            high = c
        else:
            break
    return low, high


def main() -> None:
    """Log every set, choose the rule on the tuning files, report it everywhere."""
    seeds = PassageIndex(load_documents(ROOT / "seeds"))
    sets: dict[str, tuple[PassageIndex, Path]] = {
        path.stem: (seeds, path)
        for path in sorted(EVAL.glob("*.jsonl"))
        if path.stem.startswith(("tuning", "heldout"))
    }
    for folder in sorted(EVAL.glob("*-essay")):
        sets[folder.name] = (PassageIndex(load_documents(folder)), folder.with_suffix(".jsonl"))
    rows = {
        name: log_set(name, index, [q.question for q in load_questions(path)])
        for name, (index, path) in sets.items()
    }
    print("set\tquestion\tcoverage\tsimilarity\tanswered\tanswered past the gate")
    for row in (r for logged in rows.values() for r in logged):
        print(
            f"{row.set_name}\t{row.question}\t{row.coverage:.3f}\t{row.similarity:.3f}\t"
            f"{row.answered}\t{row.answered_past_gate}"
        )
    tuning = [r for name, logged in rows.items() if name.startswith("tuning") for r in logged]
    low, high = widest_rule(tuning)
    print(
        f"\nrule chosen on the tuning files: coverage <= {low:.3f} declines, >= {high:.3f} passes the gate"
    )
    for name, logged in rows.items():
        ways = [cascade(r, low, high) for r in logged]
        declined = sum(way == "declined by coverage" for way, _ in ways)
        passed = sum(way == "gate passed by coverage" for way, _ in ways)
        flips = [r for r, (_, d) in zip(logged, ways, strict=True) if d != r.answered]
        print(
            f"{name}: {len(logged)} questions, {declined} declined without the encoder, "
            f"{passed} past the gate without it, {len(flips)} decisions changed"
        )
        for r in flips:
            print(
                f"  flipped: {r.question!r} (coverage {r.coverage:.3f}, similarity {r.similarity:.3f}, answered {r.answered})"
            )


if __name__ == "__main__":
    main()
