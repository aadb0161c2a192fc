"""The passages that can be among a query's best k, found without scoring every passage.

`BM25.top` at 100,000 passages spent most of a query adding the columns of common terms
(a word in most passages) into a score array, only for the bound to discard nearly every
passage they touched. `pruned_pool` scores every passage only under the query's short
posting lists; adds the long lists' weights only where a passage could still rank (looked up,
not scattered); and gives the exact scores, rank-bm25's floats, only for the few passages
left. A query whose short lists say too little (no short list, or one of its common terms is
needed to reach the bound) gets None, and its caller scores every passage instead.

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

__all__ = ["Postings", "essential", "pruned_pool", "weights_at"]

Scores = NDArray[np.float64]
_MARGIN = 1e-9  # relative: far above the rounding of a sum of a few hundred weights


class Postings(NamedTuple):
    """A query term's postings: passages in corpus order, their weights, its best weight."""

    passages: NDArray[np.int32]
    weights: Scores
    dense: Scores | None  # its weight for every passage, kept for common terms
    best: float


def weights_at(term: Postings, passages: NDArray[np.int32]) -> Scores:
    """The term's weight in each of `passages` (0.0 where it does not occur)."""
    if term.dense is not None:
        return term.dense.take(passages)
    at = term.passages.searchsorted(passages)  # `clip`: past the end is a miss, as below
    listed = term.passages.take(at, mode="clip") == passages
    return np.where(listed, term.weights.take(at, mode="clip"), 0.0)


def exact_scores(terms: Sequence[Postings], passages: NDArray[np.int32]) -> Scores:
    """The scores of `passages`: each term's weight added in query order, as rank-bm25 does."""
    scores = np.zeros(len(passages))
    for term in terms:
        scores += weights_at(term, passages)
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
    terms: Sequence[Postings], k: int, size: int, short: int
) -> tuple[NDArray[np.int32], Scores] | None:
    """Distinct passages holding the best k of `terms` (and their ties) with their exact
    scores, or None where the short lists do not narrow them; `short` is the longest
    posting list scored for every passage it holds."""
    scattered = [t.dense is None and len(t.passages) <= short for t in terms]
    if not any(scattered):
        return None
    scores = thread_buffer(size)
    for term, scatter in zip(terms, scattered, strict=True):
        if scatter:  # in query order: a lower bound of every passage's score
            np.add.at(scores, term.passages, term.weights)  # a term lists each passage once
    try:
        return _narrowed(terms, scattered, scores, k)
    finally:  # zero the buffer again: only the scattered lists were written
        for term, scatter in zip(terms, scattered, strict=True):
            if scatter:
                scores[term.passages] = 0.0


def _narrowed(
    terms: Sequence[Postings], scattered: list[bool], scores: Scores, k: int
) -> tuple[NDArray[np.int32], Scores] | None:
    """`pruned_pool` once the short lists' weights are in `scores`."""
    sample = _sample(terms, scattered, k)
    if sample is None:
        return None
    # The k-th best of any k passages' scores bounds the k-th best of all from below.
    some = scores[sample]
    for term, scatter in zip(terms, scattered, strict=True):
        if not scatter:
            some += weights_at(term, sample)
    bound = kth_largest(some, k) * (1 - _MARGIN)
    if bound <= 0:
        return None
    needed = essential(terms, bound)
    in_order = True  # `scores` holds the scattered terms' sums, added in query order
    for i in needed:
        if not scattered[i]:
            if terms[i].dense is not None:  # a common term can reach the bound: no narrowing
                return None
            np.add.at(scores, terms[i].passages, terms[i].weights)
            scattered[i], in_order = True, False
    # Only passages in a needed list can reach the bound; repeats are dropped below.
    candidates = np.concatenate([terms[i].passages for i in needed])
    upper = scores[candidates]
    late = [term for term, scatter in zip(terms, scattered, strict=True) if not scatter]
    if late:  # the long lists, looked up only for candidates their best weights can lift
        rest = sum(term.best for term in late)
        near = (upper + rest) * (1 + _MARGIN) >= bound
        candidates, upper = candidates[near], upper[near]
        for term in late:
            upper += weights_at(term, candidates)
    keep = upper * (1 + _MARGIN) >= bound
    pool, pool_scores = candidates[keep], upper[keep]
    if len(needed) > 1:
        order = np.argsort(pool, kind="stable")
        pool, pool_scores = distinct(pool[order], pool_scores[order])
    if late and not (in_order and _added_in_query_order(scattered)):
        pool_scores = exact_scores(terms, pool)
    return pool, pool_scores


def _sample(terms: Sequence[Postings], scattered: list[bool], k: int) -> NDArray[np.int32] | None:
    """At least k distinct passages whose scores are known cheaply: the shortest scattered
    list of k or more (the rarest term's, usually the strongest), else all scattered lists."""
    lists = [t.passages for t, scatter in zip(terms, scattered, strict=True) if scatter]
    long_enough = [passages for passages in lists if len(passages) >= k]
    if long_enough:
        return min(long_enough, key=len)
    together = np.concatenate(lists)
    together.sort(kind="stable")
    passages: NDArray[np.int32] = distinct(together)[0]
    return passages if len(passages) >= k else None


def _added_in_query_order(scattered: list[bool]) -> bool:
    """Whether the scattered terms' sums, then each other term in order, is query order."""
    # True only where no scattered term follows one that was not (the first two additions
    # commute: 0 + a + b is b + a).
    ordered = sorted(scattered, reverse=True)
    return scattered == ordered or scattered[1::-1] + scattered[2:] == ordered
