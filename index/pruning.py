"""The passages that can be among a query's best k, found without scoring every passage.

`BM25.top` at 100,000 passages spent most of a query adding the columns of common terms
(a word in most passages) into a score array, only for its bound to discard nearly every
passage they touched. `pruned_pool` adds up, for every passage, only the posting lists of
the query's other terms; bounds the k-th best score from a few passages; keeps the passages
in the lists a score that high needs (MaxScore's essential lists); looks the common terms up
only for those their best weights can lift; and gives the exact scores, rank-bm25's floats,
of the few left. Where a common term alone can reach the bound, every passage is summed after
all (in any order), and only those near the bound are scored exactly.

Every bound here holds because no weight is negative: a sum over some of a passage's terms,
added in query order, is at most its score (floating-point addition is monotonic), and
its score is at most the sum of its terms' best weights. Sums taken in another order than a
score's differ from it by a few units of rounding, which `_MARGIN` covers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from index.top_k import distinct, kth_largest, thread_buffer

__all__ = ["FILTER_FROM", "Postings", "essential", "exact_scores", "pruned_pool"]

Scores = NDArray[np.float64]
_MARGIN = 1e-9  # relative: far above the rounding of a sum of a few hundred weights
# Up to this many candidates, looking the common terms up for all of them is quicker than
# first dropping those they cannot lift (measured at 100,000 passages: 2% of a top-100 query).
FILTER_FROM = 4096


class Postings(NamedTuple):
    """A query term's postings: passages in corpus order, their weights, its best weight."""

    passages: NDArray[np.int32]
    weights: Scores
    dense: Scores | None  # its weight for every passage, kept for common terms
    best: float


def exact_scores(terms: Sequence[Postings], passages: NDArray[np.int32]) -> Scores:
    """The scores of `passages`: each term's weight added in query order, as rank-bm25 does."""
    scores = np.zeros(len(passages))
    for term in terms:
        if term.dense is not None:
            scores += term.dense.take(passages)
            continue
        at = term.passages.searchsorted(passages)  # `clip`: past the end is a miss, as below
        listed = term.passages.take(at, mode="clip") == passages
        np.add(scores, term.weights.take(at, mode="clip"), out=scores, where=listed)
    return scores


def essential(terms: Sequence[Postings], bound: float) -> list[int]:
    """The terms (positions, in query order) a passage must have to score `bound` or more."""
    # A passage with none of them scores at most the sum of the others' best weights, kept
    # below `bound`: MaxScore's essential lists.
    weakest = sorted(range(len(terms)), key=lambda i: terms[i].best)
    total = 0.0
    for count, i in enumerate(weakest):
        if (total + terms[i].best) * (1 + _MARGIN) >= bound:
            return sorted(weakest[count:])
        total += terms[i].best
    return list(range(len(terms)))  # unreached: the best weights add up to any score


def pruned_pool(
    terms: Sequence[Postings], k: int, size: int, filter_from: int = FILTER_FROM
) -> tuple[NDArray[np.int32], Scores] | None:
    """Distinct passages holding the best k of `terms` (and their ties) with their exact
    scores, or None where the terms without a dense column cannot bound the k-th best;
    beyond `filter_from` candidates, the common terms are looked up for fewer of them."""
    sample = _sample([term.passages for term in terms if term.dense is None], k)
    if sample is None:
        return None
    scores = thread_buffer(size)
    for term in terms:
        if term.dense is None:  # in query order: each sum bounds a passage's score from below
            scores[term.passages] += term.weights  # a term lists each passage once
    everywhere = False
    try:
        # The k-th best of any k passages' scores bounds the k-th best of all from below.
        some = scores.take(sample)
        for term in terms:
            if term.dense is not None:
                some += term.dense.take(sample)
        bound = kth_largest(some, k) * (1 - _MARGIN)
        if bound <= 0:
            return None
        needed = essential(terms, bound)
        everywhere = any(terms[i].dense is not None for i in needed)
        if everywhere:  # a common term can reach the bound: sum every passage after all
            for term in terms:
                if term.dense is not None:
                    scores += term.dense
            pool = np.flatnonzero(scores >= bound / (1 + _MARGIN)).astype(np.int32)
            return pool, exact_scores(terms, pool)
        return _narrowed(terms, scores, needed, bound, filter_from)
    finally:  # zero the buffer again, where it was written
        if everywhere:
            scores.fill(0.0)
        else:
            for term in terms:
                if term.dense is None:
                    scores[term.passages] = 0.0


def _narrowed(
    terms: Sequence[Postings], scores: Scores, needed: list[int], bound: float, filter_from: int
) -> tuple[NDArray[np.int32], Scores]:
    """`pruned_pool` where only passages listed under the `needed` terms can reach `bound`,
    and `scores` holds every passage's sum over the terms without a dense column."""
    if len(needed) == 1:
        candidates = terms[needed[0]].passages
    else:  # repeats are dropped below, from the few left
        candidates = np.concatenate([terms[i].passages for i in needed])
    upper = scores.take(candidates)
    lowest = bound / (1 + _MARGIN)  # the least sum, in another order, of a score >= bound
    common = [term.dense for term in terms if term.dense is not None]
    if common:
        if len(candidates) > filter_from:  # only those the common terms' best can lift
            near = upper >= lowest - sum(term.best for term in terms if term.dense is not None)
            candidates, upper = candidates[near], upper[near]
        for dense in common:
            upper += dense.take(candidates)
    keep = upper >= lowest
    pool = candidates[keep]
    if common and not _added_in_query_order([term.dense is None for term in terms]):
        if len(needed) > 1:
            pool.sort()
            pool = distinct(pool)[0]
        return pool, exact_scores(terms, pool)
    pool_scores = upper[keep]  # exact: added in query order
    if len(needed) > 1:
        order = np.argsort(pool, kind="stable")
        pool, pool_scores = distinct(pool[order], pool_scores[order])
    return pool, pool_scores


def _sample(lists: list[NDArray[np.int32]], k: int) -> NDArray[np.int32] | None:
    """At least k distinct passages of `lists`: the shortest list of k or more (the rarest
    term's, usually the strongest), else all of them together."""
    long_enough = [passages for passages in lists if len(passages) >= k]
    if long_enough:
        return min(long_enough, key=len)
    if not lists:
        return None
    together = np.concatenate(lists)
    together.sort(kind="stable")
    passages: NDArray[np.int32] = distinct(together)[0]
    return passages if len(passages) >= k else None


def _added_in_query_order(added: list[bool]) -> bool:
    """Whether the `added` terms' sum, then each other term in order, is query order."""
    # True only where no added term follows one that was not (the first two additions
    # commute: 0 + a + b is b + a).
    ordered = sorted(added, reverse=True)
    return added == ordered or added[1::-1] + added[2:] == ordered
