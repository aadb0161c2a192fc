"""Measure retrieval choices on the gold questions; write docs/retrieval.md and the plot.

    pip install -e '.[test,eval]' && python docs/retrieval_report.py

Every variant ranks the seed essay's passages with rank-bm25 itself; choices are made on
the tuning half (tests/eval/tuning.jsonl) and reported on both halves. The prose is in
docs/retrieval.md.template (`string.Template`: `$name` is a figure, `$$` a dollar sign).
"""

from __future__ import annotations

import math
import re
import string
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import rank_bm25
import Stemmer

# docs/ is this script's folder, so its sibling modules import by name (as mypy finds them).
from retrieval_choices import fusion_table, lead_table, sentence_ratio_table, threshold_choice
from retrieval_sets import (
    BEFORE,
    TUNING_SETS,
    ablation_tables,
    figures_table,
    measured,
    question_sets,
    set_metrics,
)

from bot.answering import DEFAULT_POLICY, Answerer, Policy
from bot.measure.evaluation import (
    EvalQuestion,
    Metrics,
    evaluate,
    judge,
    load_questions,
)
from bot.measure.typos import with_typos
from bot.similarity import best_similarity, model_words
from index import Hit, PassageIndex, load_documents
from index.analyzer import STOPWORDS
from index.search import SENTENCE_WEIGHT

ROOT = Path(__file__).resolve().parent.parent
# The report's prose, with a `$name` for each figure or table this script computes.
TEMPLATE = ROOT / "docs/retrieval.md.template"

COVERAGE_WEIGHT = DEFAULT_POLICY.coverage_weight
CONFIDENCE_PASSAGES = DEFAULT_POLICY.confidence_passages
CLOSER_IN_MEANING = DEFAULT_POLICY.closer_in_meaning
# The answering rules are measured without the cascade (the words deciding alone, which
# would give a question the confidence of its coverage): the cascade is chosen afterwards,
# to change none of their decisions (bot/measure/cascade.py).
RULES = replace(DEFAULT_POLICY, words_cover=math.inf)


def answerer_with(index: PassageIndex, **changes: Any) -> Answerer:
    """An Answerer over `index` with the shipped policy, changed as `changes` say."""
    policy = replace(RULES, **changes)
    return Answerer(index, policy, best_similarity, english=model_words())


def batches() -> dict[str, list[Path]]:
    """The gold question files of each half."""
    return {
        name: sorted((ROOT / "tests/eval").glob(f"{name}*.jsonl")) for name in ("tuning", "heldout")
    }


@cache
def halves() -> dict[str, list[EvalQuestion]]:
    """The gold questions of each half."""
    return {
        name: [q for p in paths for q in load_questions(p)] for name, paths in batches().items()
    }


@cache
def seed_index() -> PassageIndex:
    """The index of the shipped essay (built on first use: nothing runs at import)."""
    return PassageIndex(load_documents(ROOT / "seeds"))


Tokenizer = Callable[[str], list[str]]
_stemmer = Stemmer.Stemmer("english")


class LuceneIdf(rank_bm25.BM25Okapi):  # type: ignore[misc]  # rank_bm25 is untyped
    """BM25Okapi with Lucene's always-positive idf instead of the epsilon floor."""

    def _calc_idf(self, nd: dict[str, int]) -> None:
        n = self.corpus_size
        self.idf = {w: math.log(1 + (n - f + 0.5) / (f + 0.5)) for w, f in nd.items()}


def whitespace(text: str) -> list[str]:
    return text.split(" ")


def lowercase_words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def no_stopwords(text: str) -> list[str]:
    return [w for w in lowercase_words(text) if w not in STOPWORDS]


def stemmed(text: str) -> list[str]:
    return [_stemmer.stemWord(w) for w in no_stopwords(text)]


def shipped(text: str) -> list[str]:
    return seed_index().terms(text)


def rank(model: rank_bm25.BM25, query: list[str]) -> list[Hit]:
    """Top 10 by score, ties in corpus order, positive scores only (as essaybot ranks)."""
    scores = np.asarray(model.get_scores(query))
    matched = np.flatnonzero(scores > 0)
    order = matched[np.lexsort((matched, -scores[matched]))][:10]
    return [
        Hit(seed_index().passages[i], float(scores[i]), r) for r, i in enumerate(order, start=1)
    ]


def measure(
    tokenize: Tokenizer,
    model: type[rank_bm25.BM25] = rank_bm25.BM25Okapi,
    *,
    headings: bool = True,
    dedupe: bool = True,
    query_terms: Callable[[str], list[str]] | None = None,
    params: dict[str, float] | None = None,
) -> dict[str, Metrics]:
    corpus = [
        tokenize(f"{p.section}\n{p.text}" if headings else p.text) for p in seed_index().passages
    ]
    bm25 = model(corpus, **(params or {}))
    results = {}
    for half, questions in halves().items():
        rankings = []
        for q in questions:
            terms = query_terms(q.question) if query_terms else tokenize(q.question)
            rankings.append(rank(bm25, list(dict.fromkeys(terms)) if dedupe else terms))
        results[half] = judge(seed_index().passages, questions, rankings, [False] * len(questions))
    return results


METRICS = ("success_at_1", "success_at_3", "mrr")


def row(name: str, metrics: dict[str, Metrics]) -> str:
    cells = [f"{getattr(metrics[h], m):.3f}" for h in halves() for m in METRICS]
    return f"| {name} | " + " | ".join(cells) + " |"


HEADER = (
    "| variant | tuning S@1 | tuning S@3 | tuning MRR | held-out S@1 | held-out S@3 | held-out MRR |\n"
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
)


def analyzer_table() -> list[str]:
    return [
        HEADER,
        row(
            "whitespace tokens, as in rank-bm25's README",
            measure(whitespace, headings=False, dedupe=False),
        ),
        row("lowercase word tokens", measure(lowercase_words, headings=False)),
        row("+ English stopwords", measure(no_stopwords, headings=False)),
        row("+ Snowball stemming", measure(stemmed, headings=False)),
        row(
            "+ British/American, demonym and (re)- folding",
            measure(shipped, headings=False, query_terms=seed_index().query),
        ),
        row(
            "+ section headings indexed (**shipped**)",
            measure(shipped, query_terms=seed_index().query),
        ),
    ]


def model_table() -> list[str]:
    """Each variant's row, then how far the best alternative is from the shipped one."""
    lines = [HEADER]
    measured: dict[str, dict[str, Metrics]] = {}
    variants: list[tuple[str, type[rank_bm25.BM25], dict[str, float]]] = [
        ("BM25Okapi k1=1.5 b=0.75 (**shipped**)", rank_bm25.BM25Okapi, {}),
        ("BM25L", rank_bm25.BM25L, {}),
        ("BM25Plus", rank_bm25.BM25Plus, {}),
        ("BM25Okapi, Lucene idf", LuceneIdf, {}),
    ]
    variants += [
        (f"BM25Okapi k1={k1} b={b}", rank_bm25.BM25Okapi, {"k1": k1, "b": b})
        for k1, b in ((0.9, 0.4), (1.2, 0.75), (2.0, 0.75), (1.5, 0.3), (1.5, 1.0))
    ]
    for name, model, params in variants:
        measured[name] = measure(shipped, model, query_terms=seed_index().query, params=params)
        lines.append(row(name, measured[name]))
    base, *others = measured.values()
    one_question = 1 / sum(1 for q in halves()["tuning"] if q.relevant)
    gains = {
        m: max(getattr(o["tuning"], m) - getattr(base["tuning"], m) for o in others)
        for m in METRICS
    }
    lines += [
        "",
        f"On the tuning half the best alternative gains {gains['success_at_1']:+.3f} S@1, "
        f"{gains['success_at_3']:+.3f} S@3 and {gains['mrr']:+.3f} MRR over the shipped "
        f"configuration; one question is worth {one_question:.3f} of S@k. Differences smaller",
        "than one question are treated as ties, and ties keep rank-bm25's defaults, so the",
        "shipped configuration is the best measured within that resolution.",
    ]
    return lines


def essay(name: str) -> tuple[PassageIndex, list[EvalQuestion]]:
    """One of the other essays of tests/eval: its index and its questions."""
    folder = ROOT / "tests/eval" / name
    return PassageIndex(load_documents(folder)), load_questions(folder.with_suffix(".jsonl"))


@cache
def other_essays() -> dict[str, tuple[PassageIndex, list[EvalQuestion]]]:
    """The other essays of tests/eval by name: (index, questions)."""
    return {
        "cycling (second essay)": essay("second-essay"),
        "libraries (third essay)": essay("third-essay"),
        "night trains (fourth essay)": essay("fourth-essay"),
        "remote work (fifth essay)": essay("fifth-essay"),
    }


def essay_sets() -> dict[str, tuple[PassageIndex, list[EvalQuestion]]]:
    """Where the answer checks and respelling are measured: (index, questions) by name."""
    return {
        **{h: (seed_index(), qs) for h, qs in halves().items()},
        "second essay": other_essays()["cycling (second essay)"],
    }


SENTENCE_GRID = (0, 0.5, 1, 1.5, 2, 2.25, 2.5, 2.75, 3, 3.25, 3.5, 3.75, 4, 6, 8, 16)
ALONE = 1e6  # a weight at which the passage's own score only breaks ties


def by_sentence(
    weight: float, groups: Sequence[Sequence[tuple[PassageIndex, list[EvalQuestion]]]]
) -> list[tuple[float, float, float]]:
    """S@1, S@3 and MRR of the ranking with `weight` on the best sentence, per group."""
    results = []
    for group in groups:
        parts = []
        for index, questions in group:
            reweighted = PassageIndex(index.documents, sentence_weight=weight)
            answerable = [q for q in questions if q.relevant]
            rankings = [reweighted.search(q.question, 10) for q in answerable]
            parts.append(judge(index.passages, answerable, rankings, [False] * len(answerable)))
        results.append(pooled(parts))
    return results


def sentence_table() -> list[str]:
    """The weight of the best sentence: chosen on the tuning half, then reported everywhere."""
    tuning = {w: by_sentence(w, [[(seed_index(), halves()["tuning"])]])[0] for w in SENTENCE_GRID}
    best = max((mrr, s1) for s1, _, mrr in tuning.values())
    plateau = [w for w in SENTENCE_GRID if (tuning[w][2], tuning[w][0]) == best]
    chosen = plateau[len(plateau) // 2]
    if chosen != SENTENCE_WEIGHT:
        sys.exit(f"tuning now chooses {chosen}: set SENTENCE_WEIGHT in index/search.py to it")
    groups = [
        [(seed_index(), halves()["tuning"])],
        [(seed_index(), halves()["heldout"])],
        list(other_essays().values()),
    ]
    sets = ("tuning", "held-out", "other essays")
    lines = [
        "| weight of the best sentence | "
        + " | ".join(f"{s} S@1 | {s} S@3 | {s} MRR" for s in sets)
        + " |",
        "| ---: |" + " ---: |" * 9,
    ]
    for weight in (0, 1, 2, 2.5, chosen, 3.5, 4, 8, ALONE):
        name = "alone" if weight == ALONE else f"{weight:g}"
        name += " (**shipped**)" if weight == chosen else ""
        cells = [f"{v:.3f}" for group in by_sentence(weight, groups) for v in group]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return [
        *lines,
        "",
        f"On the tuning half the best run of weights is {plateau[0]:g}–{plateau[-1]:g} "
        f"(MRR {best[0]:.3f}); its middle, **{chosen:g}**, is shipped.",
    ]


def pooled(parts: Sequence[Metrics]) -> tuple[float, float, float]:
    """S@1, S@3 and MRR over the answerable questions of several evaluations together."""
    firsts = [r.first_relevant for m in parts for r in m.answerable]
    return (
        sum(0 < f <= 1 for f in firsts) / len(firsts),
        sum(0 < f <= 3 for f in firsts) / len(firsts),
        sum(1 / f for f in firsts if f) / len(firsts),
    )


# A confidence signal is the Answerer's confidence under a policy: coverage alone is weight 1
# on the best passage, similarity alone weight 0, blends in between (no formula copied here).
# Respelling is off, so each signal weighs the question as written.
Signal = Policy


def signal_of(weight: float, passages: int) -> Signal:
    """The confidence `weight` x coverage + (1 - weight) x similarity, best of `passages`."""
    return replace(RULES, coverage_weight=weight, confidence_passages=passages, spelling=False)


def blend_name(weight: float, passages: int) -> str:
    best = "best passage" if passages == 1 else f"best of the top {passages} passages"
    return f"{weight:.2f} coverage + {1 - weight:.2f} similarity, {best}"


BLENDS = [(w, n) for n in (1, 2, 3) for w in (0.1, 0.2, 0.3, 0.4, 0.5)]
SHIPPED_BLEND = (COVERAGE_WEIGHT, CONFIDENCE_PASSAGES)
SHIPPED = blend_name(*SHIPPED_BLEND) + " (**shipped**)"
SIGNALS: dict[str, Signal] = {
    "coverage: share of the question's idf mass in the best passage": signal_of(1.0, 1),
    "similarity: closest sentence of the best passage, by meaning": signal_of(0.0, 1),
    "similarity: closest sentence of the best 3 passages": signal_of(0.0, 3),
    **{blend_name(w, n): signal_of(w, n) for w, n in BLENDS if (w, n) != SHIPPED_BLEND},
    SHIPPED: replace(RULES, spelling=False),
}


def confidences(questions: Sequence[EvalQuestion], signal: Signal) -> list[tuple[float, bool]]:
    answerer = Answerer(seed_index(), signal, best_similarity, english=model_words())
    return [(answerer.ask(q.question).confidence, bool(q.relevant)) for q in questions]


def rates(points: Sequence[tuple[float, bool]], threshold: float) -> tuple[float, float]:
    answerable = [c for c, a in points if a]
    unanswerable = [c for c, a in points if not a]
    answered = sum(c >= threshold for c in answerable) / len(answerable)
    declined = sum(c < threshold for c in unanswerable) / len(unanswerable)
    return answered, declined


def auc(points: Sequence[tuple[float, bool]]) -> float:
    """Probability that an answerable question outscores an unanswerable one (ties: half)."""
    answerable = [c for c, a in points if a]
    unanswerable = [c for c, a in points if not a]
    wins = sum((p > n) + 0.5 * (p == n) for p in answerable for n in unanswerable)
    return wins / (len(answerable) * len(unanswerable))


def middle_of_best(score: Callable[[float], float]) -> float:
    """The middle of the run of thresholds (0.05 to 0.95) with the highest score."""
    grid = [t / 100 for t in range(5, 96)]
    scores = {t: score(t) for t in grid}
    plateau = [t for t in grid if scores[t] == max(scores.values())]
    return plateau[len(plateau) // 2]


def best_threshold(tuning: Sequence[tuple[float, bool]]) -> float:
    """The middle of the run of thresholds that maximise answered + declined on tuning."""
    return middle_of_best(lambda t: sum(rates(tuning, t)))


# AUCs closer than this are ties, and ties keep the shipped signal (the tuning sets' pooled
# AUC weighs about 60,000 pairs; 0.005 is a few hundred of them).
AUC_RESOLUTION = 0.005


def signal_table() -> list[str]:
    """Each signal's row; exits unless the shipped one has the best AUC on the tuning sets
    pooled (since issue #15; before, on the tuning half alone)."""
    lines = [
        "| confidence | threshold | tuning AUC | tuning answered | tuning declined "
        "| held-out AUC | held-out answered | held-out declined | other essays AUC | dev AUC "
        "| tuning sets AUC |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    pooled_auc = {}
    for name, signal in SIGNALS.items():
        tuning = confidences(halves()["tuning"], signal)
        heldout = confidences(halves()["heldout"], signal)
        t = best_threshold(tuning)
        others, dev = (
            [(r.confidence, bool(r.question.relevant)) for r in set_metrics(signal, s).results]
            for s in ("other essays", "dev")
        )
        pooled_auc[name] = auc(tuning + others + dev)
        cells = [auc(tuning), *rates(tuning, t), auc(heldout), *rates(heldout, t)]
        cells += [auc(others), auc(dev), pooled_auc[name]]
        lines.append(f"| {name} | {t:.2f} | " + " | ".join(f"{c:.3f}" for c in cells) + " |")
    best = max(pooled_auc, key=pooled_auc.__getitem__)
    if pooled_auc[best] > pooled_auc[SHIPPED] + AUC_RESOLUTION:
        sys.exit(
            f"tuning now chooses {best!r}: set the confidence in bot/answering/_policy.py to it"
        )
    return lines


def calibrate(best: float) -> list[str]:
    """The shipped confidence's rates at the chosen threshold and its neighbours; the plot."""
    shipped = SIGNALS[SHIPPED]
    tuning = confidences(halves()["tuning"], shipped)
    heldout = confidences(halves()["heldout"], shipped)
    lines = [
        "| threshold | tuning answered | tuning declined | held-out answered | held-out declined |",
        "| ---: | ---: | ---: | ---: | ---: |",
    ]
    for t in sorted({0.3, 0.4, best, 0.55, 0.6}):
        mark = " (**chosen**)" if t == best else ""
        lines.append(
            f"| {t:.2f}{mark} | "
            + " | ".join(f"{r:.3f}" for r in rates(tuning, t) + rates(heldout, t))
            + " |"
        )
    plot(tuning, heldout, best)
    return lines


def plot(
    tuning: list[tuple[float, bool]], heldout: list[tuple[float, bool]], threshold: float
) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 3.6))
    rng = np.random.default_rng(0)
    for y, points in enumerate((tuning, heldout)):
        for answerable, colour, label in (
            (True, "tab:blue", "answerable"),
            (False, "tab:red", "unanswerable"),
        ):
            xs = [c for c, a in points if a == answerable]
            ax.scatter(
                xs,
                y + rng.uniform(-0.25, 0.25, len(xs)),
                s=18,
                alpha=0.7,
                color=colour,
                label=label if y == 0 else None,
            )
    ax.axvline(threshold, color="black", linestyle="--", label=f"threshold {threshold:.2f}")
    ax.set_yticks([0, 1], ["tuning", "held-out"])
    ax.set_xlabel(
        f"confidence: {COVERAGE_WEIGHT:.2f} idf coverage + {1 - COVERAGE_WEIGHT:.2f} sentence "
        f"similarity, best of the top {CONFIDENCE_PASSAGES} passages"
    )
    ax.set_xlim(-0.03, 1.03)
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3, frameon=False)
    fig.tight_layout()
    fig.savefig(ROOT / "docs/confidence.png", dpi=110)


def answer_type_table(threshold: float) -> list[str]:
    sets = essay_sets()
    lines = [
        "| checks | " + " | ".join(f"{s} answered | {s} declined" for s in sets) + " |",
        "| --- |" + " ---: | ---: |" * len(sets),
    ]
    checks = {
        "none": (False, False),
        "answer type": (True, False),
        "answer type and names (**shipped**)": (True, True),
    }
    for name, (types, names) in checks.items():
        cells = []
        for index, questions in sets.values():
            answerer = answerer_with(
                index, min_confidence=threshold, answer_types=types, known_names=names
            )
            m = evaluate(answerer, questions)
            cells += [f"{m.answer_rate:.3f}", f"{m.abstention_rate:.3f}"]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return lines


MARGINS = (0.0, 0.05, 0.1, 0.15, 0.2, 0.3)
NEVER = 1.0  # a margin no similarity reaches: further passages only by their BM25 score


def quoted(margin: float, sets: Sequence[str]) -> tuple[float, float]:
    """Of the answerable questions answered in `sets`, the share quoting a relevant passage,
    and the passages quoted per answer, when passages closer in meaning by `margin` are quoted."""
    policy = replace(DEFAULT_POLICY, closer_in_meaning=margin)
    answered = [
        result
        for name in sets
        for result in set_metrics(policy, name).results
        if result.question.relevant and result.answered
    ]
    right = sum(r.quoted_relevant for r in answered) / len(answered)
    return right, sum(len(r.quoted) for r in answered) / len(answered)


def quoting_table() -> list[str]:
    """The margin for passages closer in meaning: chosen on the tuning sets pooled (most
    right answers, then fewest passages, the middle of ties), then reported everywhere."""
    tuning = {m: quoted(m, TUNING_SETS) for m in MARGINS}
    best = max((right, -passages) for right, passages in tuning.values())
    tied = [m for m in MARGINS if (tuning[m][0], -tuning[m][1]) == best]
    chosen = tied[len(tied) // 2]
    if chosen != CLOSER_IN_MEANING:
        sys.exit(
            f"tuning now chooses {chosen}: set CLOSER_IN_MEANING in bot/answering/_policy.py to it"
        )
    groups = {"tuning sets": TUNING_SETS, **{name: (name,) for name in question_sets()}}
    lines = [
        "| further passages quoted | "
        + " | ".join(f"{g} right | {g} passages" for g in groups)
        + " |",
        "| --- |" + " ---: | ---: |" * len(groups),
    ]
    for margin in (NEVER, *MARGINS):
        name = (
            "scoring 0.75 of the best"
            if margin == NEVER
            else (
                f"... or closer in meaning by {margin:.2f}"
                + (" (**shipped**)" if margin == chosen else "")
            )
        )
        cells = []
        for sets in groups.values():
            right, passages = quoted(margin, sets)
            cells += [f"{right:.3f}", f"{passages:.2f}"]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return lines


def typo_table(threshold: float) -> list[str]:
    """S@1, answered and declined with one slip per question, respelling off and on."""
    sets = essay_sets()
    lines = [
        "| questions | respelling | "
        + " | ".join(f"{s} S@1 | {s} answered | {s} declined" for s in sets)
        + " |",
        "| --- | --- |" + " ---: |" * (3 * len(sets)),
    ]
    for slips in (False, True):
        for spelling in (False, True):
            cells = []
            for index, questions in sets.values():
                asked = with_typos(questions) if slips else questions
                answerer = answerer_with(index, min_confidence=threshold, spelling=spelling)
                m = evaluate(answerer, asked)
                cells += [
                    f"{m.success_at_1:.3f}",
                    f"{m.answer_rate:.3f}",
                    f"{m.abstention_rate:.3f}",
                ]
            kind = "one slip each" if slips else "as written"
            mode = "on (**shipped**)" if spelling else "off"
            lines.append(f"| {kind} | {mode} | " + " | ".join(cells) + " |")
    return lines


def threshold_transfer_table(shipped: float) -> list[str]:
    """Answered / declined on the other essays at thresholds from 0.36 to 0.50."""
    lines = [
        "| threshold | " + " | ".join(other_essays()) + " | mean answered + declined |",
        "| ---: |" + " ---: |" * (len(other_essays()) + 1),
    ]
    for threshold in sorted({t / 100 for t in range(36, 51, 2)} | {shipped}):
        metrics = [
            evaluate(answerer_with(index, min_confidence=threshold), questions)
            for index, questions in other_essays().values()
        ]
        cells = [f"{m.answer_rate:.2f} / {m.abstention_rate:.2f}" for m in metrics]
        mean = sum(m.answer_rate + m.abstention_rate for m in metrics) / len(metrics)
        name = f"{threshold:.2f}" + (" (**shipped**)" if threshold == shipped else "")
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {mean:.3f} |")
    return lines


def end_to_end_row(name: str, m: Metrics) -> str:
    """One row of what `essaybot eval` prints."""
    figures = (
        m.success_at_1, m.success_at_3, m.success_at_5, m.mrr, m.ndcg,
        m.answer_rate, m.abstention_rate, m.quoted_relevant,
    )  # fmt: skip
    return f"| {name} | " + " | ".join(f"{f:.3f}" for f in figures) + " |"


def main() -> None:
    threshold, threshold_table, confidence_aucs = threshold_choice()
    calibration = calibrate(threshold)
    answerer = answerer_with(seed_index(), min_confidence=threshold)
    final = {h: evaluate(answerer, q) for h, q in halves().items()}
    counts = {
        h: (sum(1 for q in qs if q.relevant), sum(1 for q in qs if not q.relevant))
        for h, qs in halves().items()
    }
    files = {
        h: ", ".join(f"`{p.relative_to(ROOT)}`" for p in paths) for h, paths in batches().items()
    }
    figures: dict[str, str | int | list[str]] = {
        "tuning_files": files["tuning"],
        "tuning_answerable": counts["tuning"][0],
        "tuning_unanswerable": counts["tuning"][1],
        "heldout_files": files["heldout"],
        "heldout_answerable": counts["heldout"][0],
        "heldout_unanswerable": counts["heldout"][1],
        "analyzer_table": analyzer_table(),
        "model_table": model_table(),
        "sentence_grid": ", ".join(f"{w:g}" for w in SENTENCE_GRID),
        "sentence_table": sentence_table(),
        "fusion_table": fusion_table(),
        "lead_table": lead_table(),
        "sentence_ratio_table": sentence_ratio_table(),
        "signal_table": signal_table(),
        "threshold": f"{threshold:.2f}",
        "threshold_table": threshold_table,
        "confidence_aucs": confidence_aucs,
        "calibration": calibration,
        "answer_type_table": answer_type_table(threshold),
        "quoting_table": quoting_table(),
        "typo_table": typo_table(threshold),
        "before_after_table": before_after_table(),
    }
    for name, table in ablation_tables().items():
        figures["ablation_" + name.replace(" ", "_").replace("-", "_")] = table
    final["held-out, first batch only"] = evaluate(
        answerer, load_questions(ROOT / "tests/eval/heldout.jsonl")
    )
    figures["half_rows"] = [end_to_end_row(half, m) for half, m in final.items()]
    others = {name: evaluate(answerer_with(i), qs) for name, (i, qs) in other_essays().items()}
    figures["essay_rows"] = [end_to_end_row(name, m) for name, m in others.items()]
    figures["threshold_transfer_table"] = threshold_transfer_table(threshold)
    text = fill_template(TEMPLATE, figures)
    (ROOT / "docs/retrieval.md").write_text(text, encoding="utf-8")
    print(text, end="")


def before_after_table() -> list[str]:
    """Every set's figures under the earlier policy and the shipped one."""
    return figures_table(
        {
            "before": lambda parts: measured(BEFORE, parts),
            "shipped": lambda parts: measured(DEFAULT_POLICY, parts),
        }
    )


def fill_template(template: Path, figures: dict[str, str | int | list[str]]) -> str:
    """The template's text with each `$name` replaced by its figure (a table: one row a line)."""
    values = {
        name: "\n".join(value) if isinstance(value, list) else str(value)
        for name, value in figures.items()
    }
    return string.Template(template.read_text(encoding="utf-8")).substitute(values)


if __name__ == "__main__":
    main()
