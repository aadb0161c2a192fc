"""The one analyzer shared by passages and questions."""

from __future__ import annotations

import pytest

from index import analyze, query_terms


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("The Relations of RUSSIA", ["relat", "russia"]),
        ("Russia’s “divorce”", ["russia", "divorc"]),  # curly apostrophe: "s" is a stopword
        ("ﬁnancial", ["financi"]),  # NFKC unfolds the ligature
        ("neighbours neighboring", ["neighbor", "neighbor"]),
        ("criticise criticize", ["critic", "critic"]),
        ("(re)integration", ["reintegr", "integr"]),
        ("snake_case __ 😀", ["snake", "case"]),
        ("Лукашенко", ["лукашенко"]),
    ],
)
def test_analyze(text: str, terms: list[str]) -> None:
    assert analyze(text) == terms


def test_query_terms_are_deduplicated_in_order() -> None:
    assert query_terms("Belarus, belarus and Russia: BELARUS?") == ["belarus", "russia"]


def test_only_stopwords_gives_no_terms() -> None:
    assert query_terms("What is it that they were?") == []
