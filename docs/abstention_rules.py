"""Rules to decline more unanswerable questions, measured on the tuning sets only.

`python docs/abstention_rules.py` prints, on the questions the shipped policy answers in each
tuning set (the shipped essay's tuning half, the four other essays, the blind development
sets dev, dev2, dev3 and dev4):

- how well each cheap signal tells answerable from unanswerable ones (AUC per set, pooled),
  and the best single threshold on it that loses at most one answerable question per set;
- each answer-kind check on and off, per set, with the questions it changes.

A rule is kept when it declines more on the tuning sets pooled than it loses and loses at
most one answerable question of any set; the script exits non-zero when the Policy no longer
holds that choice. The signals (none kept; their AUCs on the dev set are 0.42-0.59):

- sentence coverage: the share of the question's idf mass that the quoted sentence nearest
  in meaning holds (not its whole passage);
- best cosine: the question's nearest sentence among the weighed passages;
- specificity: that cosine minus the question's cosine with the mean of all the essays'
  sentence vectors (a topic-level match against a specific one);
- gap: the best sentence's cosine minus the second best's;
- known mass: the share of the question's idf mass in terms the essays use (one minus what
  the essays never use, beyond the names the names check catches).

Also tried and not kept: declining a question naming a number of three digits or more that the
essays never write (no tuning question changed: the wrong years asked are in the essays, but
not in the quotes, which `quoted_numbers` checks instead); a
"which"/"who" question needing a capitalised word in the quotes that the question lacks (8
more declined, 6 answerable lost, 4 of them in the other essays; a "who" question needing a
name, a word for people or a doer's noun is kept: `person_answers`); "how many <word>" needing a
quoted sentence with a number and that word (2 more declined, 1 answerable lost: "people"
counted as "passengers"; the gain hangs on which word of the question is taken as counted:
kept since session 17 as `counted_answers`, any word of the phrase after "how many" in the
same sentence as a count, and any word for people when it counts people).
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
from retrieval_sets import TUNING_SETS, answerer, question_sets, set_metrics

from bot.answering import DEFAULT_POLICY, Answer, Policy
from bot.answering._cascade import counted_terms
from bot.similarity import embed
from index import PassageIndex

CHECKS = (
    "counted_answers",
    "money_answers",
    "quoted_numbers",
    "name_answers",
    "person_answers",
    "place_answers",
    "unnamed_mentions",
)  # the checks added by this measurement, each switched off


@dataclass(frozen=True)
class Row:
    """One answered tuning question: its set, whether it is answerable, its signals."""

    set: str
    answerable: bool
    signals: dict[str, float]


class _Vectors:
    """Sentence vectors of one index, each embedded once."""

    def __init__(self, index: PassageIndex) -> None:
        self.index = index
        self.cache: dict[str, np.ndarray] = {}
        every = [s for p in index.passages for s in self.sentences(p.id)]
        self.mean = self.of(list(dict.fromkeys(every))).mean(axis=0)

    def sentences(self, passage_id: str) -> list[str]:
        passage = next(p for p in self.index.passages if p.id == passage_id)
        return [passage.text[a:b] for a, b in self.index.spans(passage)]

    def of(self, texts: Sequence[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self.cache]
        self.cache.update(zip(missing, embed(missing), strict=True))
        return np.array([self.cache[t] for t in texts])


def _signals(index: PassageIndex, vectors: _Vectors, answer: Answer) -> dict[str, float]:
    """The candidate signals of an answered question."""
    read = answer.read_as or answer.question
    counted = counted_terms(index, index.query(read))
    idf = {t: index.idf(t) for t in counted}
    total = sum(idf.values()) or 1.0

    def coverage(text: str) -> float:
        present = set(index.terms(text))
        return sum(idf[t] for t in counted if t in present) / total

    question = vectors.of([read])[0]
    weighed = [h.passage.id for h in answer.hits[: DEFAULT_POLICY.confidence_passages]]
    sentences = [s for p in weighed for s in vectors.sentences(p)]
    cosines = np.sort(vectors.of(sentences) @ question)[::-1]
    quoted = [s for q in answer.quotes for s in vectors.sentences(q.passage.id) if s in q.text] or [
        q.text for q in answer.quotes
    ]
    nearest = quoted[int(np.argmax(vectors.of(quoted) @ question))]
    return {
        "confidence": answer.confidence,
        "sentence coverage": coverage(nearest),
        "best cosine": float(cosines[0]),
        "specificity": float(cosines[0] - vectors.mean @ question),
        "gap": float(cosines[0] - (cosines[1] if len(cosines) > 1 else 0.0)),
        "known mass": sum(idf[t] for t in counted if t in index) / total,
    }


def answered_rows() -> list[Row]:
    """The signals of every tuning question the shipped policy answers."""
    rows = []
    for name in TUNING_SETS:
        for index, questions in question_sets()[name]:
            bot, vectors = answerer(index, DEFAULT_POLICY), _Vectors(index)
            for question in questions:
                answer = bot.ask(question.question)
                if answer.answered:
                    signals = _signals(index, vectors, answer)
                    rows.append(Row(name, bool(question.relevant), signals))
    return rows


def auc(rows: Sequence[Row], signal: str) -> float:
    """How often an answerable row has a higher `signal` than an unanswerable one."""
    high = [r.signals[signal] for r in rows if r.answerable]
    low = [r.signals[signal] for r in rows if not r.answerable]
    if not high or not low:
        return float("nan")
    pairs = sum((h > lo) + 0.5 * (h == lo) for h in high for lo in low)
    return pairs / (len(high) * len(low))


def best_threshold(rows: Sequence[Row], signal: str) -> tuple[int, int, float]:
    """(declined more, answerable lost, threshold) of the best rule "decline below t" that
    loses at most one answerable question per set."""
    best = (0, 0, float("-inf"))
    for threshold in sorted({r.signals[signal] for r in rows}):
        below = [r for r in rows if r.signals[signal] < threshold]
        lost = Counter(r.set for r in below if r.answerable)
        gained = sum(1 for r in below if not r.answerable)
        net = gained - sum(lost.values())
        if max(lost.values(), default=0) <= 1 and net > best[0] - best[1]:
            best = (gained, sum(lost.values()), threshold)
    return best


def _counts(policy: Policy, name: str) -> tuple[int, int]:
    """(answerable answered, unanswerable declined) of `policy` on the set `name`."""
    results = set_metrics(policy, name).results
    answered = sum(1 for r in results if r.question.relevant and r.answered)
    declined = sum(1 for r in results if not r.question.relevant and not r.answered)
    return answered, declined


def check_table(check: str) -> bool:
    """Prints `check` off and on per tuning set; whether the rule keeps it."""
    off = replace(DEFAULT_POLICY, **{check: False})
    on = replace(DEFAULT_POLICY, **{check: True})
    print(f"\n{check}: answered / declined, off -> on")
    net, worst = 0, 0
    for name in TUNING_SETS:
        (a0, d0), (a1, d1) = _counts(off, name), _counts(on, name)
        net, worst = net + (a1 - a0) + (d1 - d0), max(worst, a0 - a1)
        print(f"  {name:15} answered {a0} -> {a1}   declined {d0} -> {d1}")
        pairs = zip(set_metrics(off, name).results, set_metrics(on, name).results, strict=True)
        for before, after in pairs:
            if before.answered != after.answered:
                print(
                    f"    {'answered' if after.answered else 'declined'}: {after.question.question}"
                )
    return net > 0 and worst <= 1


def main() -> None:
    """Prints the signals' tables and each check's; exits non-zero when the Policy disagrees."""
    rows = answered_rows()
    signals = list(rows[0].signals)
    print("AUC on answered questions (answerable above unanswerable):")
    print(f"  {'signal':18}" + "".join(f"{n:>16}" for n in (*TUNING_SETS, "pooled")))
    for signal in signals:
        per_set = [auc([r for r in rows if r.set == name], signal) for name in TUNING_SETS]
        cells = [*per_set, auc(rows, signal)]
        print(f"  {signal:18}" + "".join(f"{c:16.2f}" for c in cells))
    print("\nBest 'decline below t' losing at most one answerable question per set:")
    for signal in signals:
        gained, lost, threshold = best_threshold(rows, signal)
        print(f"  {signal:18} declines {gained} more, loses {lost} (t = {threshold:.3f})")
    for check in CHECKS:
        kept = check_table(check)
        if kept != getattr(DEFAULT_POLICY, check):
            sys.exit(f"the rule now {'keeps' if kept else 'drops'} {check}: set it in the Policy")


if __name__ == "__main__":
    main()
