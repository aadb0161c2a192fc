"""The one owner of rank-bm25: its BM25Okapi model, and its idf step for step.

`index.bm25.BM25` builds its impact index from these idf values, so that its scores are
rank-bm25's own floats; `reference_model` is the model they are checked against.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from rank_bm25 import BM25Okapi

__all__ = ["average_idf", "okapi_idf", "reference_model"]


def reference_model(
    corpus: Sequence[Sequence[str]], k1: float = 1.5, b: float = 0.75, epsilon: float = 0.25
) -> BM25Okapi:
    """rank-bm25's own BM25Okapi over `corpus`, for comparisons (benchmarks and tests)."""
    # No `tokenizer=`: rank-bm25 would start a process pool for it.
    return BM25Okapi(corpus, k1=k1, b=b, epsilon=epsilon)


def average_idf(df: Sequence[int], size: int) -> float:
    """rank-bm25's average idf, before its floor: not positive in a degenerate corpus."""
    idf = [math.log(size - n + 0.5) - math.log(n + 0.5) for n in df]
    return sum(idf) / len(idf) if idf else 0.0


def okapi_idf(df: Sequence[int], size: int, epsilon: float) -> list[float]:
    """BM25Okapi._calc_idf, step for step (math.log, summed in vocabulary order); Lucene's idf
    in a degenerate corpus, where rank-bm25's would let nothing score above zero."""
    idf = [math.log(size - n + 0.5) - math.log(n + 0.5) for n in df]
    average = sum(idf) / len(idf) if idf else 0.0  # the sum in rank-bm25's order
    if average <= 0:
        return [math.log(1 + (size - n + 0.5) / (n + 0.5)) for n in df]
    return [epsilon * average if value < 0 else value for value in idf]
