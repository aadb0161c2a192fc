"""The cascade's thresholds: chosen by a written rule on the fitting sets, reported on all.

Run from the repository root: `python -m bot.measure.cascade` (add `--rows` for every
question's evidence). Re-run it after the answering rules change: it prints the thresholds the
rule chooses and whether `DEFAULT_POLICY` holds them.

Each gold question is answered twice: with the cascade off (the reference), and with every
question that has hits decided by its words (`words_cover` 0, `words_cover_terms` 0,
`words_lead` inf). A triple (`words_cover` C, `words_cover_terms` N, `words_lead` L) lets a
question skip the model when the best of its weighed passages has coverage >= C over >= N
terms and BM25's second passage scores at most L times its first; the question is then
answered as in the second run. Each answer is marked on four of `essaybot eval`'s figures:
its first passage relevant (S@1), a relevant one in its first three (S@3), its decision right
(answered if answerable, declined if not) and the answer in its quotes.

The rule, on the fitting sets: of the triples on the grid (C from 0.30 to 1.00 by 0.05; N
from 2 to 4, since one matched term is no evidence of meaning; L from 0.50 to 1.00 by 0.05,
or inf: the first passage need not score highest), keep those under which at most one
question of each fitting gold set (the tuning half; the other essays; dev, dev2, dev3) does
worse on any figure and more do better than worse over all of them (issue #14 allows a
gold set one question worse; until session 31 one for all the sets together, and until
session 14 none could be, and with the second dev set
that rule kept only L 0.5, under which 2 of the 100k bench's 40 questions skipped the model
rather than about half, for one dev2 question's S@3); the one letting the most fitting
questions skip wins, ties to the larger C, then N, then the smaller L; none at all is
`words_cover` inf (words never decide). The fitting sets are the tuning half
(tests/eval/tuning*.jsonl), the other essays ({second,third,fourth,fifth}-essay) and the
development essays (dev/, dev2/, dev3/; dev4/ is reported: `_FITTED`); heldout*.jsonl are
reported, never fitted; unseen/ and blind/ are never read. A question naming something the
essays never use always skips (the names check would decline it anyway), so it is reported
and not fitted.
"""

from __future__ import annotations

import itertools
import math
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from bot.answering import DEFAULT_POLICY, Answer, Answerer, Policy, unknown_names
from bot.answering._cascade import coverages
from bot.measure.evaluation import EvalQuestion, judge, load_questions
from bot.similarity import best_similarity, load_model, model_words
from index import PassageIndex, load_documents

__all__ = ["FIGURES", "Logged", "choose", "gold_sets", "log_set", "main", "sets"]

ROOT = Path(__file__).resolve().parent.parent.parent
EVAL = ROOT / "tests/eval"
_OFF = replace(DEFAULT_POLICY, words_cover=math.inf)
_ALL_BY_WORDS = replace(DEFAULT_POLICY, words_cover=0.0, words_cover_terms=0, words_lead=math.inf)
# How many questions of one fitting gold set a triple may make worse (when more, over all
# of them, are made better): issue #14 lets no gold set lose more than one question on a
# figure. Until session 31 this counted the fitting sets together; then one dev question
# ("Why do fen cutters call this bird the sedge fiddler?", S@1) besides dev2's "Who started
# the Old Harold starter?" made that rule choose `words_lead` 0.9, under which 14 of the
# 100,000-passage bench's 40 questions skip the model rather than 21: end to end 10.5x below
# naive rank-bm25 instead of 52x (one run each, side by side), where #14 asks 30x.
_WORSE_ALLOWED = 1
_FITTED = (
    "tuning",
    "second-essay",
    "third-essay",
    "fourth-essay",
    "fifth-essay",
    "dev/",
    "dev2/",
    "dev3/",
)
# dev4/ (session 16) is logged and reported, not fitted. Fitted, it makes the rule choose
# words_lead 0.65 (at 1.0 four of its questions do worse, S@1 -3 and answer in quote -2 against
# the model's order), under which 8 of the bench's 40 questions at 100,000 passages skip the
# model rather than 21, end to end 15x below naive rank-bm25 where issue #14 asks 30x: the
# speed target and that set's ranking conflict, and the target is kept (README, step 3).
# The figures each answer is marked on, in the order of `Logged.reference` and `.words`.
FIGURES = ("S@1", "S@3", "decided right", "answer in quote")
_COVERS = [round(0.30 + 0.05 * i, 2) for i in range(15)]
_LEADS = [*(round(0.50 + 0.05 * i, 2) for i in range(11)), math.inf]

Marks = tuple[bool, ...]


@dataclass(frozen=True)
class Logged:
    """One gold question: the words' evidence and how each way of answering it fared."""

    set_name: str
    question: str
    hits: int
    names: bool  # names something the essays never use
    coverage: float  # the best of the weighed passages'
    matched: int  # the terms that passage matches
    lead: float  # BM25's second weighed passage's score over its first's (0: only one)
    reference: Marks  # FIGURES, the cascade off
    words: Marks  # FIGURES, were the words to decide

    @property
    def fitted(self) -> bool:
        """Whether the rule may look at this question."""
        return self.set_name.startswith(_FITTED) and not self.names

    def skips(self, cover: float, terms: int, lead: float) -> bool:
        """Whether the question skips the model under (`cover`, `terms`, `lead`)."""
        return self.hits > 0 and (
            self.names or (self.coverage >= cover and self.matched >= terms and self.lead <= lead)
        )

    def worse(self, cover: float, terms: int, lead: float) -> bool:
        """Whether (`cover`, `terms`, `lead`) makes any of its figures worse."""
        return self.skips(cover, terms, lead) and any(
            r and not w for r, w in zip(self.reference, self.words, strict=True)
        )

    def better(self, cover: float, terms: int, lead: float) -> bool:
        """Whether (`cover`, `terms`, `lead`) makes some of its figures better and none worse."""
        pairs = list(zip(self.reference, self.words, strict=True))
        return (
            self.skips(cover, terms, lead)
            and any(w and not r for r, w in pairs)
            and not any(r and not w for r, w in pairs)
        )


def gold_sets() -> dict[str, tuple[PassageIndex, list[EvalQuestion]]]:
    """Every gold set the rule reads by name: the index it is asked of and its questions."""
    shipped = PassageIndex(load_documents(ROOT / "seeds"))
    found = {
        path.stem: (shipped, load_questions(path))
        for path in sorted(EVAL.glob("*.jsonl"))
        if path.stem.startswith(("tuning", "heldout"))
    }
    for folder in sorted(EVAL.glob("*-essay")):
        questions = load_questions(folder.with_suffix(".jsonl"))
        found[folder.name] = (PassageIndex(load_documents(folder)), questions)
    for dev in ("dev", "dev2", "dev3", "dev4"):
        for path in sorted((EVAL / dev).glob("*.jsonl")):
            index = PassageIndex(load_documents(path.with_suffix("")))
            found[f"{dev}/{path.stem}"] = (index, load_questions(path))
    return found


def sets() -> dict[str, tuple[PassageIndex, list[str]]]:
    """`gold_sets`, with each question as its text."""
    return {n: (i, [q.question for q in qs]) for n, (i, qs) in gold_sets().items()}


def _marks(index: PassageIndex, question: EvalQuestion, answer: Answer) -> Marks:
    metrics = judge(
        index.passages,
        [question],
        [answer.hits],
        [answer.answered],
        quoted=[tuple(q.passage for q in answer.quotes)],
        quotes=[tuple(q.text for q in answer.quotes)],
    )
    (result,) = metrics.results
    first, right = result.first_relevant, answer.answered == bool(question.relevant)
    return (first == 1, 0 < first <= 3, right, result.answer_in_quote)


def log_set(name: str, index: PassageIndex, questions: Sequence[EvalQuestion]) -> list[Logged]:
    """Every question of one set, answered with the cascade off and by words alone."""
    off = Answerer(index, _OFF, best_similarity, english=model_words)
    words = Answerer(index, _ALL_BY_WORDS, best_similarity, english=model_words)
    logged = []
    for question in questions:
        reference, by_words = off.ask(question.question), words.ask(question.question)
        read = off.read(question.question.strip())
        terms = index.query(read)
        weighed = by_words.hits[: DEFAULT_POLICY.confidence_passages]  # BM25's order
        best = max(coverages(index, terms, weighed, DEFAULT_POLICY), default=(0.0, 0))
        scores = [hit.score for hit in weighed]
        lead = scores[1] / scores[0] if len(scores) > 1 and scores[0] > 0 else 0.0
        logged.append(
            Logged(
                name,
                question.question,
                len(reference.hits),
                bool(unknown_names(read, index)),
                best[0],
                best[1],
                lead,
                _marks(index, question, reference),
                _marks(index, question, by_words),
            )
        )
    return logged


def _gold_set(set_name: str) -> str:
    """The gold set a logged set counts in, as `essaybot eval` reports them: a dev folder's
    essays are one set ("dev2/glassblower-interview" is dev2's), and so are the tuning
    half's files and the other essays."""
    if set_name.startswith("tuning"):
        return "tuning"
    return "other essays" if set_name.endswith("-essay") else set_name.partition("/")[0]


def choose(rows: Sequence[Logged]) -> tuple[float, int, float]:
    """(`words_cover`, `words_cover_terms`, `words_lead`) by the rule, from the fitting rows."""
    fitting = [r for r in rows if r.fitted and r.hits]
    best: tuple[int, float, int, float] = (0, math.inf, 0, -math.inf)
    for triple in itertools.product(_COVERS, (2, 3, 4), _LEADS):
        worse_in = Counter(_gold_set(r.set_name) for r in fitting if r.worse(*triple))
        worse = sum(worse_in.values())
        better = sum(r.better(*triple) for r in fitting)
        if max(worse_in.values(), default=0) <= _WORSE_ALLOWED and (worse == 0 or better > worse):
            skips = sum(r.skips(*triple) for r in fitting)
            best = max(best, (skips, triple[0], triple[1], -triple[2]))
    if best[0] == 0:
        return math.inf, DEFAULT_POLICY.words_cover_terms, DEFAULT_POLICY.words_lead
    return best[1], best[2], -best[3]


def report(rows: Sequence[Logged], policy: Policy) -> list[str]:
    """Per set: questions, skips of the model, and every answer the cascade changes."""
    triple = (policy.words_cover, policy.words_cover_terms, policy.words_lead)
    lines = [f"words_cover {triple[0]}, words_cover_terms {triple[1]}, words_lead {triple[2]}:"]
    for name in dict.fromkeys(r.set_name for r in rows):
        logged = [r for r in rows if r.set_name == name]
        skipped = [r for r in logged if r.skips(*triple)]
        no_hits = sum(r.hits == 0 for r in logged)
        named = sum(r.names for r in skipped)
        moved = [sum(r.words[i] - r.reference[i] for r in skipped) for i in range(len(FIGURES))]
        changes = ", ".join(f"{f} {n:+d}" for f, n in zip(FIGURES, moved, strict=True) if n)
        lines.append(
            f"  {name}: {len(logged)} questions; the model is not run for "
            f"{len(skipped) + no_hits} ({no_hits} without hits, {named} naming the unknown, "
            f"{len(skipped) - named} covered by words); figures changed: {changes or 'none'}"
        )
        for r in skipped:
            if r.reference != r.words:
                moved_by = ", ".join(
                    f"{f} {r.reference[i]} -> {r.words[i]}"
                    for i, f in enumerate(FIGURES)
                    if r.reference[i] != r.words[i]
                )
                lines.append(f"    changed: {r.question!r} ({moved_by})")
    fitting = [r for r in rows if r.fitted and r.hits]
    skips = sum(r.skips(*triple) for r in fitting)
    lines.append(f"  fitting sets: {skips} of {len(fitting)} questions with hits skip the model")
    return lines


def main(argv: Sequence[str] = ()) -> int:
    """Log every set, choose by the rule, report; exit 1 if the policy is not the rule's."""
    load_model()
    rows = [r for name, (index, qs) in gold_sets().items() for r in log_set(name, index, qs)]
    if "--rows" in argv:
        for r in rows:
            print(
                f"{r.set_name}\t{r.question}\t{r.hits}\t{r.names}\t{r.coverage:.3f}\t"
                f"{r.matched}\t{r.lead:.3f}\t{r.reference}\t{r.words}"
            )
    cover, terms, lead = choose(rows)
    print(f"the rule chooses words_cover {cover}, words_cover_terms {terms}, words_lead {lead}")
    chosen = replace(DEFAULT_POLICY, words_cover=cover, words_cover_terms=terms, words_lead=lead)
    print("\n".join(report(rows, chosen)))
    held = (DEFAULT_POLICY.words_cover, DEFAULT_POLICY.words_cover_terms, DEFAULT_POLICY.words_lead)
    if held != (cover, terms, lead):
        print(f"DEFAULT_POLICY holds {held}: update bot/answering/_policy.py")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
