"""rank-bm25's exact BM25Okapi scores, served from an impact index.

rank-bm25's `get_scores` loops in Python over every passage for every query term
(~100 ms a query at 100,000 passages). Here its statistics are computed once, exactly
as `BM25Okapi.__init__` computes them (term counts per passage in first-seen order, idf
`log(N - df + 0.5) - log(df + 0.5)` with negative values raised to `epsilon` times the
average idf, average passage length), and turned into a term -> (passage, weight) index
where each weight is rank-bm25's own expression for that term's contribution to that
passage's score. A query adds its terms' contributions in query order, as rank-bm25
does, so the scores are the same floats; `reference_model` (index.okapi) and the tests check it.
On a big corpus `top` scores every passage only under the query's rarer terms, bounds the
k-th best score from a few passages, and gives exact scores only to the passages that can
reach it (index.pruning); otherwise, or where that cannot narrow them, it adds every term
into an array each thread reuses and ranks only the passages at or above such a bound.

One case is owned here rather than copied: a degenerate corpus, where the average idf is not
positive, so that no term can score above zero and nothing is ever found. That is every corpus
of one or two passages (a one-paragraph essay: idf log(0.5) - log(1.5) < 0 for each of its
words) and some tiny ones. There every term gets Lucene's always-positive idf,
`log(1 + (N - df + 0.5) / (df + 0.5))`, instead; every other corpus keeps rank-bm25's floats.
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from index.okapi import average_idf, okapi_idf, reference_model
from index.pruning import Postings, essential, pruned_pool
from index.state import State, load_arrays, require, save_arrays, strings_state
from index.top_k import distinct, kth_largest, ranked, reference_top, thread_buffer, union

__all__ = ["BM25", "BOUNDED_FROM", "reference_model", "reference_top"]

Scores = NDArray[np.float64]
# A term in at least this share of passages is also kept as a dense column: adding a
# contiguous column is several times faster than scattering into most of the array.
_DENSE_SHARE = 1 / 8
# From this many passages up, `top` narrows the passages it scores by a bound (measured side
# by side, top 10 and top 100: at 10,000 passages 1.0x and 0.85x the speed of ranking every
# match, at 20,000 1.6x and 1.25x, at 40,000 2.7x and 1.5x).
BOUNDED_FROM = 20_000
_SAMPLE = 4096  # `top`: at most this many passages' scores taken to bound the k-th best
_CHUNK = 1 << 18  # postings per step of the weight computation (bounds temporaries)
# What `to_state` saves, attribute -> dtype: a new array is one line here (plus its checks in
# `from_state`). The dense columns are not saved: rebuilding them is quicker than reading them.
_SAVED = {"_starts": np.int64, "_passages": np.int32, "_weights": np.float64}


class _Vocabulary(dict[str, int]):
    """Term -> column, numbering new terms as they are first seen (rank-bm25's order)."""

    def __missing__(self, term: str) -> int:
        self[term] = column = len(self)
        return column


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
        bounded_from: int = BOUNDED_FROM,
    ) -> None:
        """Index `corpus`; `top` bounds the k-th best score from `bounded_from` passages up."""
        self.size = len(corpus)
        self.bounded_from = bounded_from
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
        self.degenerate = self.size > 0 and average_idf(df.tolist(), self.size) <= 0
        idf = np.repeat(okapi_idf(df.tolist(), self.size, epsilon), df)  # per sorted posting
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
        self._derive()

    def terms(self) -> list[str]:
        """Every term of the corpus, in the order first seen."""
        return list(self._column)

    def to_state(self) -> State:
        """The index as arrays and JSON values, for `from_state`."""
        arrays = save_arrays(self, _SAVED) | strings_state("terms", self.terms())
        values: dict[str, str | int | float | bool] = {"size": self.size}
        values |= {"degenerate": self.degenerate, "bounded_from": self.bounded_from}
        return State(arrays, values)

    @classmethod
    def from_state(cls, state: State) -> BM25:
        """The BM25 that `to_state` saved, checked so that no query reads outside its arrays."""
        bm25 = cls.__new__(cls)
        bm25.size = state.value("size", int)
        bm25.degenerate = state.value("degenerate", bool)
        bm25.bounded_from = state.value("bounded_from", int)
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
        bm25._derive()
        return bm25

    def _derive(self) -> None:
        """What queries use beside the postings, computed from them (after a build or a load)."""
        df = np.diff(self._starts)
        self._dense = {
            int(c): self._densify(int(c)) for c in np.flatnonzero(df >= _DENSE_SHARE * self.size)
        }
        # Each term's best weight bounds what it adds to any score (`top` skips passages
        # that cannot reach the k-th best); bounds hold only when no weight is negative.
        best = np.maximum.reduceat(self._weights, self._starts[:-1]) if len(df) else df
        self._nonnegative = not len(self._weights) or bool(self._weights.min() >= 0)
        # Python lists: a query reads a few entries, quicker from a list than from numpy.
        self._best: list[float] = best.tolist()
        self._starts_list: list[int] = self._starts.tolist()

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

    def passages_with(self, term: str) -> NDArray[np.int32]:
        """The positions of the passages containing `term`, ascending."""
        return self._postings(term)[0]

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
            dense = self._dense.get(self._column.get(term, -1))
            if dense is not None:
                scores += dense[passages]
                continue
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
        if self.size < self.bounded_from:  # ranking every match is cheaper than narrowing them
            scores = self.scores(terms)
            matched = np.flatnonzero(scores > 0)
            return ranked(matched, scores[matched], k)
        query = self._query(terms)
        if self._nonnegative:
            found = pruned_pool(query, k, self.size)
            if found is not None:
                return ranked(*found, k)
        return self._top_of_all(query, k)

    def _query(self, terms: Sequence[str]) -> list[Postings]:
        """The postings of the query's terms that occur, in query order (repeats kept)."""
        query = []
        for term in terms:
            column = self._column.get(term)
            if column is not None:  # an unknown term adds 0.0 to every score
                start, end = self._starts_list[column], self._starts_list[column + 1]
                listed, weights = self._passages[start:end], self._weights[start:end]
                dense, best = self._dense.get(column), self._best[column]
                query.append(Postings(listed, weights, dense, best))
        return query

    def _top_of_all(self, query: list[Postings], k: int) -> list[tuple[int, float]]:
        """`top` scoring every passage, in an array each thread reuses, then ranking few."""
        scores = thread_buffer(self.size)
        dense = any(term.dense is not None for term in query)
        try:
            for term in query:  # in query order, as `scores` adds them
                if term.dense is not None:
                    scores += term.dense  # adding 0.0 elsewhere leaves those scores unchanged
                else:
                    scores[term.passages] += term.weights  # each passage listed once per term
            pool = self._pool(query, scores, k)
            return ranked(pool, scores[pool], k)
        finally:
            if dense:
                scores.fill(0.0)
            else:  # only the listed passages were written
                for term in query:
                    scores[term.passages] = 0.0

    def _pool(self, query: list[Postings], scores: Scores, k: int) -> NDArray[np.intp]:
        """Distinct passages holding every one of the best k (and their ties), and few others."""
        lists = [term.passages for term in query]
        long_enough = [passages for passages in lists if len(passages) >= k]
        if not long_enough:  # fewer than k passages per term: only listed ones can score
            return union(lists)
        # The k-th best score of any k passages bounds the k-th best of all from below:
        # those of the shortest list of k or more (the rarest term's, usually the strongest),
        # or, when that is a common term's, evenly spaced passages (a partition of most of
        # the corpus took longer than all the rest).
        some = min(long_enough, key=len)
        every = max(1, self.size // max(_SAMPLE, 4 * k))
        bound = kth_largest(scores[some] if len(some) <= _SAMPLE else scores[::every], k)
        if bound <= 0:
            return np.flatnonzero(scores > 0)
        if self._nonnegative:  # only passages in these lists can reach the bound
            query = [query[i] for i in essential(query, bound)]
        if any(term.dense is not None for term in query):
            return np.flatnonzero(scores >= bound)
        # Far fewer than all passages, usually: compare only those, then drop repeats.
        listed = np.concatenate([term.passages for term in query])
        pool: NDArray[np.intp] = listed[scores[listed] >= bound].astype(np.intp)
        if len(query) == 1:  # one list holds each passage once
            return pool
        pool.sort(kind="stable")
        distinct_pool: NDArray[np.intp] = distinct(pool)[0]
        return distinct_pool
