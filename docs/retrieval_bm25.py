"""The report's tables of ranking by words: BM25 variants and the weight of a passage's best
sentence (docs/retrieval.md, "Analyzer", "BM25 parameters", "Ranking by the best sentence").

Part of `python docs/retrieval_report.py`; every variant ranks with rank-bm25 itself.
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Callable, Sequence

import numpy as np
import rank_bm25
import Stemmer
from retrieval_sets import halves, other_essays, pooled, seed_index

from bot.measure.evaluation import EvalQuestion, Metrics, judge
from index import Hit, PassageIndex
from index.analyzer import STOPWORDS
from index.search import SENTENCE_WEIGHT

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
