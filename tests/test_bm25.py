"""The BM25 wrapper gives rank-bm25's exact scores and owns its edge cases."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rank_bm25 import BM25Okapi

from bot.bench import reference_top, same_ranking
from bot.synthetic import synthetic_corpus, synthetic_queries
from index.bm25 import BM25, reference_model

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


def test_a_corpus_of_three_distinct_passages_keeps_rank_bm25s_floats() -> None:
    corpus = [["whale", "sing"], ["ship", "sail"], ["storm", "rain"]]
    ours = BM25(corpus)
    assert not ours.degenerate
    expected = reference_model(corpus).get_scores(["sing", "rain"])
    assert np.array_equal(ours.scores(["sing", "rain"]), expected)
