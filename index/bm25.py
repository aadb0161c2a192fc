"""The one owner of rank-bm25: its exact BM25Okapi scores, served from an impact index.

rank-bm25's `get_scores` loops in Python over every passage for every query term
(~100 ms a query at 100,000 passages). Here its statistics are computed once, exactly
as `BM25Okapi.__init__` computes them (term counts per passage in first-seen order, idf
`log(N - df + 0.5) - log(df + 0.5)` with negative values raised to `epsilon` times the
average idf, average passage length), and turned into a term -> (passage, weight) index
where each weight is rank-bm25's own expression for that term's contribution to that
passage's score. A query adds its terms' contributions in query order, as rank-bm25
does, so the scores are the same floats; `reference_model` and the tests check it.

One case is owned here rather than copied: a degenerate corpus, where the average idf is not
positive, so that no term can score above zero and nothing is ever found. That is every corpus
of one or two passages (a one-paragraph essay: idf log(0.5) - log(1.5) < 0 for each of its
words) and some tiny ones. There every term gets Lucene's always-positive idf,
`log(1 + (N - df + 0.5) / (df + 0.5))`, instead; every other corpus keeps rank-bm25's floats.
"""

from __future__ import annotations

import math
from array import array
from collections import Counter
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray
from rank_bm25 import BM25Okapi

from index.state import State, load_arrays, require, save_arrays, strings_state

__all__ = ["BM25", "reference_model", "reference_top"]

Scores = NDArray[np.float64]
# A term in at least this share of passages is also kept as a dense column: adding a
# contiguous column is several times faster than scattering into most of the array.
_DENSE_SHARE = 1 / 8
_CHUNK = 1 << 18  # postings per step of the weight computation (bounds temporaries)
# What `to_state` saves, attribute -> dtype: a new array is one line here (plus its checks in
# `from_state`). The dense columns are not saved: rebuilding them is quicker than reading them.
_SAVED = {"_starts": np.int64, "_passages": np.int32, "_weights": np.float64}


def reference_model(
    corpus: Sequence[Sequence[str]], k1: float = 1.5, b: float = 0.75, epsilon: float = 0.25
) -> BM25Okapi:
    """rank-bm25's own BM25Okapi over `corpus`, for comparisons (benchmarks and tests)."""
    # No `tokenizer=`: rank-bm25 would start a process pool for it.
    return BM25Okapi(corpus, k1=k1, b=b, epsilon=epsilon)


def reference_top(scores: Scores, k: int = 10) -> list[tuple[int, float]]:
    """The best k passages with a positive score, ties in corpus order (the exact contract)."""
    matched = np.flatnonzero(scores > 0)
    order = matched[np.lexsort((matched, -scores[matched]))][:k]
    return [(int(i), float(scores[i])) for i in order]


class _Vocabulary(dict[str, int]):
    """Term -> column, numbering new terms as they are first seen (rank-bm25's order)."""

    def __missing__(self, term: str) -> int:
        self[term] = column = len(self)
        return column


def _average_idf(df: Sequence[int], size: int) -> float:
    """rank-bm25's average idf, before its floor: not positive in a degenerate corpus."""
    idf = [math.log(size - n + 0.5) - math.log(n + 0.5) for n in df]
    return sum(idf) / len(idf) if idf else 0.0


def _okapi_idf(df: Sequence[int], size: int, epsilon: float) -> list[float]:
    """BM25Okapi._calc_idf, step for step (math.log, summed in vocabulary order); Lucene's idf
    in a degenerate corpus, where rank-bm25's would let nothing score above zero."""
    idf = [math.log(size - n + 0.5) - math.log(n + 0.5) for n in df]
    average = sum(idf) / len(idf) if idf else 0.0  # the sum in rank-bm25's order
    if average <= 0:
        return [math.log(1 + (size - n + 0.5) / (n + 0.5)) for n in df]
    return [epsilon * average if value < 0 else value for value in idf]


class BM25:
    """Exact rank-bm25 BM25Okapi scores over tokenised passages, fast.

    Handles what rank-bm25 does not: an empty corpus (it divides by zero), k larger
    than the corpus, deterministic ties (corpus order), and numpy floats at the boundary.
    Only passages with a positive score are ever returned by `top`.
    """

    def __init__(
        self,
        corpus: Sequence[Sequence[str]],
        *,
        k1: float = 1.5,
        b: float = 0.75,
        epsilon: float = 0.25,
    ) -> None:
        self.size = len(corpus)
        self._column = _Vocabulary()
        columns, counts, unique, lengths = array("i"), array("i"), array("i"), array("i")
        for tokens in corpus:
            frequencies = Counter(tokens)  # insertion order: first occurrence, as rank-bm25
            columns.extend(map(self._column.__getitem__, frequencies))
            counts.extend(frequencies.values())
            unique.append(len(frequencies))
            lengths.append(len(tokens))
        column = np.frombuffer(columns, dtype=np.int32)
        df = np.bincount(column, minlength=len(self._column))
        self._starts = np.zeros(len(df) + 1, dtype=np.int64)
        np.cumsum(df, out=self._starts[1:])
        order = np.argsort(column, kind="stable")  # by term; passages stay in order
        del column, columns
        self._passages = np.repeat(
            np.arange(self.size, dtype=np.int32), np.frombuffer(unique, np.int32)
        )[order]
        tf = np.frombuffer(counts, dtype=np.int32)
        doc_len = np.frombuffer(lengths, dtype=np.int32).astype(np.float64)
        avgdl = float(doc_len.sum()) / self.size if self.size else 1.0
        # Whether rank-bm25's idf is replaced by Lucene's (see the module text).
        self.degenerate = self.size > 0 and _average_idf(df.tolist(), self.size) <= 0
        idf = np.repeat(_okapi_idf(df.tolist(), self.size, epsilon), df)  # per sorted posting
        self._weights = np.empty(len(order))
        for start in range(0, len(order), _CHUNK):
            end = start + _CHUNK
            q_freq = tf[order[start:end]].astype(np.float64)
            dl = doc_len[self._passages[start:end]]
            # rank-bm25's expression, operation for operation, so the floats are identical.
            self._weights[start:end] = idf[start:end] * (
                q_freq * (k1 + 1) / (q_freq + k1 * (1 - b + b * dl / avgdl))
            )
        del order, tf, counts, idf
        self._dense = self._dense_columns()

    def to_state(self) -> State:
        """The index as arrays and JSON values, for `from_state`."""
        arrays = save_arrays(self, _SAVED) | strings_state("terms", list(self._column))
        return State(arrays, {"size": self.size, "degenerate": self.degenerate})

    @classmethod
    def from_state(cls, state: State) -> BM25:
        """The BM25 that `to_state` saved, checked so that no query reads outside its arrays."""
        bm25 = cls.__new__(cls)
        bm25.size = state.value("size", int)
        bm25.degenerate = state.value("degenerate", bool)
        terms = state.strings("terms")
        bm25._column = _Vocabulary(zip(terms, range(len(terms)), strict=True))
        require(len(bm25._column) == len(terms), "repeated terms")
        load_arrays(bm25, _SAVED, state)
        starts, passages, weights = bm25._starts, bm25._passages, bm25._weights
        require(len(starts) == len(terms) + 1 and starts[0] == 0, "term starts")
        # Every term listed occurs somewhere (as in a build): no empty runs of postings.
        require(bool(np.all(np.diff(starts) > 0)) and starts[-1] == len(passages), "term starts")
        require(len(weights) == len(passages) and bool(np.isfinite(weights).all()), "weights")
        in_range = not len(passages) or 0 <= passages.min() <= passages.max() < bm25.size
        require(bm25.size >= 0 and in_range, "postings")
        bm25._dense = bm25._dense_columns()
        return bm25

    def _dense_columns(self) -> dict[int, Scores]:
        df = np.diff(self._starts)
        dense = np.flatnonzero(df >= _DENSE_SHARE * self.size)
        return {int(c): self._densify(int(c)) for c in dense}

    def _densify(self, column: int) -> Scores:
        dense = np.zeros(self.size)
        start, end = self._starts[column], self._starts[column + 1]
        dense[self._passages[start:end]] = self._weights[start:end]
        return dense

    def _postings(self, term: str) -> tuple[NDArray[np.int32], Scores]:
        column = self._column.get(term)
        if column is None:
            return self._passages[:0], self._weights[:0]
        start, end = self._starts[column], self._starts[column + 1]
        return self._passages[start:end], self._weights[start:end]

    def document_frequency(self, term: str) -> int:
        """How many passages contain `term`."""
        return len(self._postings(term)[0])

    def scores(self, terms: Sequence[str]) -> Scores:
        """Score of every passage for the query `terms` (each counted as often as it appears)."""
        scores = np.zeros(self.size)
        for term in terms:
            dense = self._dense.get(self._column.get(term, -1))
            if dense is not None:
                scores += dense  # adding 0.0 elsewhere leaves those scores unchanged
            else:
                passages, weights = self._postings(term)
                scores[passages] += weights  # a term lists each passage once
        return scores

    def scores_of(self, terms: Sequence[str], passages: NDArray[np.int64]) -> Scores:
        """`scores(terms)[passages]`, the same floats, without scoring every passage."""
        scores = np.zeros(len(passages))
        for term in terms:  # in query order, as `scores` adds them
            listed, weights = self._postings(term)
            if not len(listed):
                continue
            at = np.minimum(np.searchsorted(listed, passages), len(listed) - 1)
            found = listed[at] == passages
            scores[found] += weights[at[found]]
        return scores

    def score(self, terms: Sequence[str], passage: int) -> float:
        """Score of one passage for the query `terms`."""
        if not 0 <= passage < self.size:
            raise IndexError(f"no passage {passage} in a corpus of {self.size}")
        total = 0.0
        for term in terms:
            passages, weights = self._postings(term)
            i = int(np.searchsorted(passages, passage))
            if i < len(passages) and passages[i] == passage:
                total += float(weights[i])
        return total

    def top(self, terms: Sequence[str], k: int) -> list[tuple[int, float]]:
        """The best `k` (passage number, score) pairs with score > 0, ties in corpus order."""
        if k <= 0 or not self.size:
            return []
        scores = self.scores(terms)
        matched = np.flatnonzero(scores > 0)
        if len(matched) > k:
            # The k-th best score, then everything at least that good (ties included).
            kth = np.partition(scores[matched], len(matched) - k)[len(matched) - k]
            matched = matched[scores[matched] >= kth]
        order = matched[np.lexsort((matched, -scores[matched]))][:k]
        return [(int(i), float(scores[i])) for i in order]
