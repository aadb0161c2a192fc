"""The BM25 wrapper gives rank-bm25's exact scores and owns its edge cases."""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray
from rank_bm25 import BM25Okapi

from bot.measure.bench import same_ranking
from bot.measure.synthetic import synthetic_corpus, synthetic_queries
from index.bm25 import BM25, reference_model, reference_top
from index.okapi import floor_zero_idf
from index.pruning import FILTER_FROM, pruned_pool
from index.top_k import ranked

CORPUS = [
    ["appl", "tree", "sun", "soil"],
    ["pear", "tree", "fruit"],
    ["bee", "hive", "roof", "bee"],
    ["river", "flood", "levee", "town"],
    ["appl", "pie", "recip"],
]


@pytest.mark.parametrize("query", [["appl"], ["tree", "bee"], ["flood", "appl", "roof"], ["none"]])
def test_scores_equal_rank_bm25(query: list[str]) -> None:
    expected = BM25Okapi(CORPUS).get_scores(query)
    assert BM25(CORPUS).scores(query).tolist() == pytest.approx(list(expected), rel=1e-12)


def test_top_orders_by_score_then_corpus_order_and_returns_floats() -> None:
    corpus = [["x", "a"], ["y", "a"], ["x", "a"], ["z"], ["w"]]
    top = BM25(corpus).top(["x"], 10)
    assert [i for i, _ in top] == [0, 2]  # equal scores: corpus order; zero scores left out
    assert all(type(score) is float for _, score in top)


def test_k_larger_than_corpus_and_k_zero() -> None:
    bm25 = BM25(CORPUS)
    assert len(bm25.top(["tree"], 100)) == 2
    assert bm25.top(["tree"], 0) == []


def test_empty_corpus_scores_nothing() -> None:
    bm25 = BM25([])
    assert bm25.top(["anything"], 5) == []
    assert bm25.scores(["anything"]).size == 0


def test_single_passage_score_matches_full_scores() -> None:
    bm25 = BM25(CORPUS)
    assert bm25.score(["appl", "pie"], 4) == pytest.approx(bm25.scores(["appl", "pie"])[4])


def test_document_frequency() -> None:
    assert BM25(CORPUS).document_frequency("bee") == 1
    assert BM25(CORPUS).document_frequency("tree") == 2


def test_every_score_equals_rank_bm25_on_2000_passages() -> None:
    corpus, queries = synthetic_corpus(2000), synthetic_queries(200)
    ours, okapi = BM25(corpus), reference_model(corpus)
    for query in queries:
        expected = okapi.get_scores(query)
        assert np.array_equal(ours.scores(query), expected)  # the same floats, bit for bit
        assert same_ranking(ours.top(query, 10), reference_top(expected))
        some = np.array([1999, 0, 7, 7, 1000], dtype=np.int64)
        assert np.array_equal(ours.scores_of(query, some), expected[some])


def _lucene_idf(corpus: list[list[str]], terms: dict[str, float]) -> dict[str, float]:
    n = len(corpus)
    df = {t: sum(t in p for p in corpus) for t in terms}
    return {t: math.log(1 + (n - df[t] + 0.5) / (df[t] + 0.5)) for t in terms}


@settings(max_examples=200, deadline=None)
@given(
    corpus=st.lists(st.lists(st.sampled_from("abcdefgh"), max_size=12), min_size=1, max_size=12),
    query=st.lists(st.sampled_from("abcdefghz"), max_size=6),  # repeats and an unknown term
    k=st.integers(1, 15),
)
def test_small_corpora_match_rank_bm25(corpus: list[list[str]], query: list[str], k: int) -> None:
    """Tiny corpora exercise negative idf, the epsilon floor and empty passages."""
    ours = BM25(corpus)
    if not any(corpus):  # rank-bm25 divides by zero when every passage is empty
        assert ours.top(query, k) == []
        return
    okapi = reference_model(corpus)
    if ours.degenerate:  # rank-bm25's own expression, with Lucene's idf for every term
        okapi.idf = _lucene_idf(corpus, okapi.idf)
    else:  # its floor applied to zero idf as well
        floor_zero_idf(okapi)
    expected = okapi.get_scores(query)
    assert np.array_equal(ours.scores(query), expected)
    assert ours.top(query, k) == reference_top(expected, k)
    some = np.arange(len(corpus), dtype=np.int64)[::-2]  # any passages, in any order
    assert np.array_equal(ours.scores_of(query, some), expected[some])
    for passage in range(len(corpus)):
        assert ours.score(query, passage) == pytest.approx(expected[passage], rel=1e-12, abs=1e-12)


@pytest.mark.parametrize(
    "corpus",
    [
        [["whale", "sing"]],
        [["whale", "sing"], ["ship", "sail"]],
        [["whale", "sing"], ["whale", "sail"]],
        [["whale", "sing"], ["whale", "sail"], ["whale", "sing", "sail"]],
    ],
)
def test_degenerate_corpora_still_find_passages(corpus: list[list[str]]) -> None:
    """One or two passages (or words in most of three): rank-bm25 scores every match <= 0."""
    ours = BM25(corpus)
    assert ours.degenerate
    assert max(reference_model(corpus).get_scores(["sing"])) <= 0
    top = ours.top(["sing"], 3)
    assert top and [corpus[i] for i, _ in top] == [p for p in corpus if "sing" in p][: len(top)]
    assert all(score > 0 for _, score in top)


def test_a_word_in_exactly_half_the_passages_still_counts() -> None:
    """rank-bm25 gives it idf 0 (it floors only negative idf): it would match nothing."""
    corpus = [["tyres", "winter"], ["tyres", "snow"], ["lights"], ["gloves"]]
    okapi = reference_model(corpus)
    assert okapi.idf["tyres"] == 0 and max(okapi.get_scores(["tyres"])) == 0
    ours = BM25(corpus)
    assert not ours.degenerate
    assert [i for i, _ in ours.top(["tyres"], 4)] == [0, 1]
    assert np.array_equal(ours.scores(["tyres"]), floor_zero_idf(okapi).get_scores(["tyres"]))


def test_a_corpus_of_three_distinct_passages_keeps_rank_bm25s_floats() -> None:
    corpus = [["whale", "sing"], ["ship", "sail"], ["storm", "rain"]]
    ours = BM25(corpus)
    assert not ours.degenerate
    expected = reference_model(corpus).get_scores(["sing", "rain"])
    assert np.array_equal(ours.scores(["sing", "rain"]), expected)


def _zipf_corpus(seed: int, passages: int, vocabulary: int) -> list[list[str]]:
    rng = np.random.default_rng(seed)
    weights = 1 / np.arange(1, vocabulary + 1)
    words = rng.choice(vocabulary, size=(passages, 12), p=weights / weights.sum())
    lengths = rng.integers(0, 13, size=passages)
    return [[f"t{w}" for w in row[:n]] for row, n in zip(words, lengths, strict=True)]


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    passages=st.integers(1, 400),
    vocabulary=st.integers(1, 60),
    query=st.lists(st.integers(0, 70), max_size=8),  # repeats; 60-70 are often unknown
    k=st.integers(1, 450),
)
def test_top_equals_rank_bm25_for_every_k(
    seed: int, passages: int, vocabulary: int, query: list[int], k: int
) -> None:
    """Common terms (scored as dense columns), rare ones, ties and k past the corpus."""
    corpus = _zipf_corpus(seed, passages, vocabulary)
    terms = [f"t{w}" for w in query]
    ours, bounded = BM25(corpus), BM25(corpus, bounded_from=0)
    if not any(corpus):
        assert ours.top(terms, k) == bounded.top(terms, k) == []
        return
    okapi = reference_model(corpus)
    if ours.degenerate:  # rank-bm25's own expression, with Lucene's idf for every term
        okapi.idf = _lucene_idf(corpus, okapi.idf)
    else:  # its floor applied to zero idf as well
        floor_zero_idf(okapi)
    expected = reference_top(okapi.get_scores(terms), k)
    assert ours.top(terms, k) == bounded.top(terms, k) == expected  # same floats, same order


def test_repeated_passages_tie_in_corpus_order_at_the_kth_place() -> None:
    shapes = [["a", "b"], ["a"], ["a", "b"], ["c"], ["a", "b"], ["a", "b"]] * 30
    corpus = [[*shape, f"own{i}"] for i, shape in enumerate(shapes)]  # idf of a, b above 0
    top = BM25(corpus, bounded_from=0).top(["b", "a"], 50)
    expected = reference_top(reference_model(corpus).get_scores(["b", "a"]), 50)
    assert top == expected
    assert [i for i, _ in top[:4]] == [0, 2, 4, 5]


def _pruned(
    bm25: BM25, terms: list[str], k: int, filter_from: int = FILTER_FROM
) -> tuple[NDArray[Any], ...] | None:
    """`pruned_pool` on `bm25`'s postings for `terms`, as `top` calls it."""
    return pruned_pool(bm25._query(terms), k, bm25.size, filter_from)


@pytest.mark.parametrize(
    ("k", "share", "taken", "filter_from"),
    [(10, 1 / 20, 0.5, FILTER_FROM), (100, 1 / 10, 0.2, 0)],  # 0: the candidates' filter
)
def test_top_ranks_few_of_the_passages_that_score(
    k: int, share: float, taken: float, filter_from: int
) -> None:
    """The bound leaves a small pool to rank, where every passage that scores was ranked."""
    corpus, queries = synthetic_corpus(5000), synthetic_queries(100)
    bm25, okapi = BM25(corpus, bounded_from=0), reference_model(corpus)
    pooled = scoring = narrowed = 0
    for query in queries:
        scores = okapi.get_scores(query)
        assert bm25.top(query, k) == reference_top(scores, k)
        found = _pruned(bm25, query, k, filter_from)
        if found is not None:
            pool, pool_scores = found
            assert np.array_equal(pool_scores, scores[pool])  # rank-bm25's floats, bit for bit
            pooled, scoring = pooled + len(pool), scoring + int(np.count_nonzero(scores > 0))
            narrowed += 1
    assert narrowed >= taken * len(queries)  # these queries never score every passage
    assert pooled < share * scoring


@settings(max_examples=150, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    passages=st.integers(1, 300),
    vocabulary=st.integers(1, 60),
    query=st.lists(st.integers(0, 70), max_size=8),
    k=st.integers(1, 40),
    filter_from=st.sampled_from([0, FILTER_FROM]),  # a tiny corpus never has 4,096 candidates
)
def test_the_pruned_pool_never_drops_a_best_passage(
    seed: int, passages: int, vocabulary: int, query: list[int], k: int, filter_from: int
) -> None:
    """Whenever the bound narrows, the pool holds every passage scoring at least the k-th
    best (ties included) with rank-bm25's own floats, and no passage twice."""
    corpus = _zipf_corpus(seed, passages, vocabulary)
    bm25, terms = BM25(corpus, bounded_from=0), [f"t{w}" for w in query]
    if bm25.degenerate or not bm25._nonnegative:
        return
    found = _pruned(bm25, terms, k, filter_from)
    if found is None:
        return
    pool, pool_scores = found
    scores = bm25.scores(terms)  # equal to rank-bm25's (the tests above)
    assert np.array_equal(pool_scores, scores[pool])
    assert len(np.unique(pool)) == len(pool)
    kth = np.sort(scores)[::-1][min(k, len(scores)) - 1]
    assert set(np.flatnonzero((scores >= kth) & (scores > 0)).tolist()) <= set(pool.tolist())
    assert ranked(pool, pool_scores, k) == reference_top(scores, k)


def test_concurrent_queries_get_their_own_scores() -> None:
    corpus, queries = synthetic_corpus(3000), synthetic_queries(60)
    small = BM25(CORPUS, bounded_from=0)  # a smaller index sharing each thread's buffer
    bm25 = BM25(corpus, bounded_from=0)
    expected = [bm25.top(query, 20) for query in queries]

    def answer(query: list[str]) -> list[tuple[int, float]]:
        assert small.top(["tree"], 5) == BM25(CORPUS).top(["tree"], 5)  # ranks every match
        return bm25.top(query, 20)

    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(answer, queries * 3)) == expected * 3
