"""Misspelt question words put right from the essays' own words."""

from __future__ import annotations

import pytest

from bot.render import answer_to_dict
from index import PassageIndex
from index.spelling import neighbours, respell
from tests.helpers import answerer_for

# The English words these questions use, standing in for the model's 22,500: respelling is
# part of the index library, which needs no model.
ENGLISH = frozenset(
    "about book complain drift drifting fail flight grievance invented bicycle "
    "junction next election photosynthesis protected what where when".split()
)


@pytest.mark.parametrize(
    ("question", "read"),
    [
        ("What about the goverment?", "What about the government?"),
        ("Why did Lukashnko complain?", "Why did Lukashenko complain?"),  # a name, case kept
        ("Is KAZAKSTAN protected?", "Is KAZAKHSTAN protected?"),
        ("And soveriegnty?", "And sovereignty?"),  # two letters swapped
        ("Why did the intergration fail?", "Why did the integration fail?"),
        ("What grievences?", "What grievances?"),  # the essay's word
        ("Why is Belarus dvifting away?", "Why is Belarus drifting away?"),  # English; "drift"
    ],
)
def test_misspelt_words_are_put_right(seed_index: PassageIndex, question: str, read: str) -> None:
    assert respell(question, seed_index, ENGLISH) == read


@pytest.mark.parametrize(
    "question",
    [
        "Can you book me a flight to Minsk?",  # English words the essay never uses
        "Who invented the bicycle?",
        "Where are the junctions?",  # English through its stem ("junction")
        "What about Moscw?",  # too short to tell a slip from another word
        "What is photosynthesis?",  # nothing in the essay is one edit away
        "When is the next elction?",  # "elition" stems to "elit" but is no word
    ],
)
def test_words_that_may_be_meant_are_left_alone(seed_index: PassageIndex, question: str) -> None:
    assert respell(question, seed_index, ENGLISH) == question


def test_neighbours_are_the_words_one_edit_away() -> None:
    found = set(neighbours("kazakstan"))
    assert {"azakstan", "akzakstan", "kazakhstan", "kazakstam"} <= found
    assert "kazakstan" not in found
    assert all(abs(len(word) - len("kazakstan")) <= 1 for word in found)


def test_a_misspelt_question_is_answered_as_the_right_one(seed_index: PassageIndex) -> None:
    right = answerer_for(seed_index).ask("What did Lukashenko say about the government?")
    slip = answerer_for(seed_index).ask("What did Lukashnko say about the goverment?")
    assert slip.answered and slip.quotes == right.quotes
    assert slip.question == "What did Lukashnko say about the goverment?"  # as asked
    assert slip.read_as == "What did Lukashenko say about the government?" and not right.read_as
    assert answer_to_dict(slip)["read_as"] == slip.read_as  # JSON says how it was read
    assert "read_as" not in answer_to_dict(right)
    # Without respelling, "Lukashnko" is a name the essays never use.
    assert not answerer_for(seed_index, spelling=False).ask(slip.question).answered
