"""Sentence spans are verbatim and respect abbreviations and quotes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from index import sentence_spans, split_sentences


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("One. Two! Three?", ["One.", "Two!", "Three?"]),
        ("Mr. Smith met Dr. Jones. They talked.", ["Mr. Smith met Dr. Jones.", "They talked."]),
        ("He said “Stop.” Then he left.", ["He said “Stop.”", "Then he left."]),
        ("The U.S. and the EU agree. Fine.", ["The U.S. and the EU agree.", "Fine."]),
        ("It costs 3.5 dollars. Cheap.", ["It costs 3.5 dollars.", "Cheap."]),
        ("no capital. after this", ["no capital. after this"]),
        ("  padded.  ", ["padded."]),
        # trial round 12: a booking reference was cut off at "ref." in every quote
        (
            "One night, €132 (ref. VGB-11876). Breakfast.",
            ["One night, €132 (ref. VGB-11876).", "Breakfast."],
        ),
        ("Call tel. 0161 555 0142, ext. 204. Ask.", ["Call tel. 0161 555 0142, ext. 204.", "Ask."]),
    ],
)
def test_split_sentences(text: str, sentences: list[str]) -> None:
    assert split_sentences(text) == sentences


@given(st.text())
def test_spans_are_ordered_non_empty_substrings(text: str) -> None:
    previous_end = 0
    for start, end in sentence_spans(text):
        assert previous_end <= start < end <= len(text)
        assert text[start:end].strip() == text[start:end]
        previous_end = end
