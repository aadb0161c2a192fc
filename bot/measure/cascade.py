"""The cascade's thresholds: chosen by a written rule on the fitting sets, reported on all.

Run from the repository root: `python -m bot.measure.cascade` (add `--rows` for every
question's evidence). Re-run it after the answering rules change: it prints the thresholds the
rule chooses and whether `DEFAULT_POLICY` holds them.

Each gold question is answered twice: with the cascade off (the reference decision), and with
every question that has hits decided by its words (`words_cover` 0, `words_cover_terms` 0).
A pair (`words_cover` C, `words_cover_terms` N) lets a question skip the model when the best
of its weighed passages has coverage >= C over >= N terms; its decision is then the second
one. The rule: for each N from 1 to 3, C is the lowest coverage seen among the fitting
questions from which on no fitting decision changes and no fitting answer's first passage
changes (the words' BM25 order against the order fused with meaning; rounded up to 2
decimals); of these pairs, the one letting the most fitting questions skip wins, ties to the
larger N; none at all is `words_cover` inf (words never decide). The fitting sets are the
tuning half (tests/eval/tuning*.jsonl), the other essays ({second,third,fourth,fifth}-essay)
and the development essays (dev/); heldout*.jsonl are reported, never fitted; unseen/ and
blind/ are never read. A question naming something the essays never use always skips (the
names check would decline it anyway), so it is reported and not fitted.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from bot.answering import DEFAULT_POLICY, Answerer, Policy, unknown_names
from bot.answering._cascade import coverages
from bot.measure.evaluation import load_questions
from bot.similarity import best_similarity, load_model, model_words
from index import PassageIndex, load_documents

__all__ = ["Logged", "choose", "log_set", "main", "sets"]

ROOT = Path(__file__).resolve().parent.parent.parent
EVAL = ROOT / "tests/eval"
_OFF = replace(DEFAULT_POLICY, words_cover=math.inf)
_ALL_BY_WORDS = replace(DEFAULT_POLICY, words_cover=0.0, words_cover_terms=0)
_FITTED = ("tuning", "second-essay", "third-essay", "fourth-essay", "fifth-essay", "dev/")


@dataclass(frozen=True)
class Logged:
    """One gold question: the words' evidence and the two decisions."""

    set_name: str
    question: str
    hits: int
    names: bool  # names something the essays never use
    coverage: float  # the best of the weighed passages'
    matched: int  # the terms that passage matches
    answered: bool  # the reference decision (the cascade off)
    by_words: bool  # the decision were the words to decide
    same_quotes: bool  # whether deciding by words quotes the same texts
    same_first: bool  # whether deciding by words ranks the same passage first

    @property
    def fitted(self) -> bool:
        """Whether the rule may look at this question."""
        return self.set_name.startswith(_FITTED) and not self.names

    def skips(self, cover: float, terms: int) -> bool:
        """Whether the question skips the model under (`cover`, `terms`)."""
        return self.hits > 0 and (self.names or (self.coverage >= cover and self.matched >= terms))

    def decision(self, cover: float, terms: int) -> bool:
        """Whether it is answered under (`cover`, `terms`)."""
        return self.by_words if self.skips(cover, terms) else self.answered

    def changes(self, cover: float, terms: int) -> bool:
        """Whether (`cover`, `terms`) changes its decision or its first passage."""
        return self.decision(cover, terms) != self.answered or (
            self.skips(cover, terms) and not self.same_first
        )


def sets() -> dict[str, tuple[PassageIndex, list[str]]]:
    """Every gold set by name: the index it is asked of and its questions."""
    shipped = PassageIndex(load_documents(ROOT / "seeds"))
    found = {
        path.stem: (shipped, [q.question for q in load_questions(path)])
        for path in sorted(EVAL.glob("*.jsonl"))
        if path.stem.startswith(("tuning", "heldout"))
    }
    for folder in sorted(EVAL.glob("*-essay")):
        questions = [q.question for q in load_questions(folder.with_suffix(".jsonl"))]
        found[folder.name] = (PassageIndex(load_documents(folder)), questions)
    for path in sorted((EVAL / "dev").glob("*.jsonl")):
        questions = [q.question for q in load_questions(path)]
        found[f"dev/{path.stem}"] = (PassageIndex(load_documents(path.with_suffix(""))), questions)
    return found


def log_set(name: str, index: PassageIndex, questions: Sequence[str]) -> list[Logged]:
    """Every question of one set, answered with the cascade off and by words alone."""
    off = Answerer(index, _OFF, best_similarity, english=model_words)
    words = Answerer(index, _ALL_BY_WORDS, best_similarity, english=model_words)
    logged = []
    for question in questions:
        reference, by_words = off.ask(question), words.ask(question)
        read = off.read(question.strip())
        terms = index.query(read)
        weighed = reference.hits[: DEFAULT_POLICY.confidence_passages]
        best = max(coverages(index, terms, weighed), default=(0.0, 0))
        logged.append(
            Logged(
                name,
                question,
                len(reference.hits),
                bool(unknown_names(read, index)),
                best[0],
                best[1],
                reference.answered,
                by_words.answered,
                [q.text for q in reference.quotes] == [q.text for q in by_words.quotes],
                reference.hits[:1] == by_words.hits[:1],
            )
        )
    return logged


def choose(rows: Sequence[Logged]) -> tuple[float, int]:
    """(`words_cover`, `words_cover_terms`) by the rule, from the fitting rows of `rows`."""
    fitting = [r for r in rows if r.fitted and r.hits]
    best: tuple[int, int, float] = (-1, 0, math.inf)  # (skips, terms, cover)
    for terms in (1, 2, 3):
        cover = math.inf
        for c in sorted({r.coverage for r in fitting}, reverse=True):
            if any(r.changes(c, terms) for r in fitting):
                break
            cover = c
        cover = math.ceil(round(cover * 100, 6)) / 100 if cover <= 1 else math.inf
        skips = sum(r.skips(cover, terms) for r in fitting)
        best = max(best, (skips, terms, cover))
    return best[2], best[1]


def report(rows: Sequence[Logged], policy: Policy) -> list[str]:
    """Per set: questions, skips of the model, and every decision the cascade changes."""
    cover, terms = policy.words_cover, policy.words_cover_terms
    lines = [f"words_cover {cover}, words_cover_terms {terms}:"]
    for name in dict.fromkeys(r.set_name for r in rows):
        logged = [r for r in rows if r.set_name == name]
        skipped = [r for r in logged if r.skips(cover, terms)]
        no_hits = sum(r.hits == 0 for r in logged)
        named = sum(r.names for r in skipped)
        flips = [r for r in logged if r.decision(cover, terms) != r.answered]
        firsts = sum(not r.same_first for r in skipped if not r.names)
        quotes = sum(r.by_words and not r.same_quotes for r in skipped)
        lines.append(
            f"  {name}: {len(logged)} questions; the model is not run for "
            f"{len(skipped) + no_hits} ({no_hits} without hits, {named} naming the unknown, "
            f"{len(skipped) - named} covered by words, {quotes} of them quoted otherwise); "
            f"{len(flips)} decisions changed, {firsts} first passages changed"
        )
        lines += [
            f"    changed: {r.question!r} (coverage {r.coverage:.3f} over {r.matched} terms; "
            f"answered {r.answered} -> {r.by_words})"
            for r in flips
        ]
    return lines


def main(argv: Sequence[str] = ()) -> int:
    """Log every set, choose by the rule, report; exit 1 if the policy is not the rule's."""
    load_model()
    rows = [r for name, (index, qs) in sets().items() for r in log_set(name, index, qs)]
    if "--rows" in argv:
        for r in rows:
            print(
                f"{r.set_name}\t{r.question}\t{r.hits}\t{r.names}\t{r.coverage:.3f}\t"
                f"{r.matched}\t{r.answered}\t{r.by_words}\t{r.same_quotes}"
            )
    cover, terms = choose(rows)
    print(f"the rule chooses words_cover {cover}, words_cover_terms {terms}")
    chosen = replace(DEFAULT_POLICY, words_cover=cover, words_cover_terms=terms)
    print("\n".join(report(rows, chosen)))
    held = (DEFAULT_POLICY.words_cover, DEFAULT_POLICY.words_cover_terms)
    if held != (cover, terms):
        print(f"DEFAULT_POLICY holds {held}: update bot/answering/_policy.py")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
