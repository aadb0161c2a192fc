"""The one owner of rank-bm25: BM25Okapi scores with its edge cases handled."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np
from rank_bm25 import BM25Okapi

__all__ = ["BM25"]


class BM25:
    """Exact rank-bm25 BM25Okapi scores over tokenised passages.

    Handles what rank-bm25 does not: an empty corpus (it divides by zero), k larger
    than the corpus, deterministic ties (corpus order), and numpy floats at the boundary.
    Only passages with a positive score are ever returned.
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
        self._df: Counter[str] = Counter(term for tokens in corpus for term in set(tokens))
        # No `tokenizer=`: rank-bm25 would start a process pool for it.
        self._okapi = (
            BM25Okapi([list(t) for t in corpus], k1=k1, b=b, epsilon=epsilon) if corpus else None
        )

    def document_frequency(self, term: str) -> int:
        """How many passages contain `term`."""
        return self._df[term]

    def scores(self, terms: Sequence[str]) -> np.ndarray:
        """Score of every passage for the query `terms` (each counted as often as it appears)."""
        if self._okapi is None:
            return np.zeros(0)
        return np.asarray(self._okapi.get_scores(list(terms)), dtype=np.float64)

    def score(self, terms: Sequence[str], passage: int) -> float:
        """Score of one passage for the query `terms`."""
        if self._okapi is None:
            raise ValueError("empty corpus has no passages to score")
        return float(self._okapi.get_batch_scores(list(terms), [passage])[0])

    def top(self, terms: Sequence[str], k: int) -> list[tuple[int, float]]:
        """The best `k` (passage number, score) pairs with score > 0, ties in corpus order."""
        if k <= 0:
            return []
        scores = self.scores(terms)
        matched = np.flatnonzero(scores > 0)
        order = matched[np.lexsort((matched, -scores[matched]))][:k]
        return [(int(i), float(scores[i])) for i in order]
