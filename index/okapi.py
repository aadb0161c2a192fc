"""The one owner of rank-bm25: its BM25Okapi model, and its idf step for step.

`index.bm25.BM25` builds its impact index from these idf values, so that its scores are
rank-bm25's own floats; `reference_model` is the model they are checked against.

Two cases differ on purpose, where rank-bm25's idf lets a word that the passages use count for
nothing:
- in a degenerate corpus (rank-bm25's average idf not positive: always with one or two
  passages) every term gets Lucene's always-positive idf;
- a term in exactly half the passages has idf 0, which rank-bm25 keeps, while it floors a
  term in more than half of them to `epsilon` times the average idf: such a term gets that
  floor too ("apple" in 9 of an orchard memoir's 18 paragraphs had counted for nothing).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from rank_bm25 import BM25Okapi

__all__ = ["average_idf", "floor_zero_idf", "okapi_idf", "reference_model"]


def reference_model(
    corpus: Sequence[Sequence[str]], k1: float = 1.5, b: float = 0.75, epsilon: float = 0.25
) -> BM25Okapi:
    """rank-bm25's own BM25Okapi over `corpus`, for comparisons (benchmarks and tests)."""
    # No `tokenizer=`: rank-bm25 would start a process pool for it.
    return BM25Okapi(corpus, k1=k1, b=b, epsilon=epsilon)


def floor_zero_idf(model: BM25Okapi) -> BM25Okapi:
    """`model` with its zero idfs floored as its negative ones are: the scores essaybot gives
    in a corpus that is not degenerate (for comparisons)."""
    floor = model.epsilon * model.average_idf
    model.idf = {term: floor if idf == 0 else idf for term, idf in model.idf.items()}
    return model


def average_idf(df: Sequence[int], size: int) -> float:
    """rank-bm25's average idf, before its floor: not positive in a degenerate corpus."""
    idf = [math.log(size - n + 0.5) - math.log(n + 0.5) for n in df]
    return sum(idf) / len(idf) if idf else 0.0


def okapi_idf(df: Sequence[int], size: int, epsilon: float) -> list[float]:
    """BM25Okapi._calc_idf, step for step (math.log, summed in vocabulary order), its floor
    applied to zero idf as well; Lucene's idf in a degenerate corpus, where rank-bm25's would
    let nothing score above zero."""
    idf = [math.log(size - n + 0.5) - math.log(n + 0.5) for n in df]
    average = sum(idf) / len(idf) if idf else 0.0  # the sum in rank-bm25's order
    if average <= 0:
        return [math.log(1 + (size - n + 0.5) / (n + 0.5)) for n in df]
    return [epsilon * average if value <= 0 else value for value in idf]
