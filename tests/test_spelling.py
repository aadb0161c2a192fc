"""Misspelt question words put right from the essays' own words."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest

from bot.render import answer_to_dict
from index import PassageIndex, spelling
from index.spelling import LIMITS, candidates, neighbours, respell
from tests.helpers import answerer_for

# The English words these questions use, standing in for the model's 22,500: respelling is
# part of the index library, which needs no model.
ENGLISH = frozenset(
    "about book complain drift drifting fail flight grievance invented bicycle "
    "junction next election photosynthesis protected what where when taste toast".split()
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
        # a short word: only from two letters swapped or one dropped, one word that close
        ("What about Moscw?", "What about Moscow?"),
        ("Whta about the union?", "What about the union?"),  # a stopword: it counted
        # a contraction typed without its apostrophe: stopwords, not "shows" or an unknown word
        ("hows Belarus doing", "how's Belarus doing"),
        ("Whats the union", "What's the union"),
        # a word the essay hyphenates, written as one (trial round 18: "preseason")
        ("Is the postsoviet label out of date?", "Is the post-soviet label out of date?"),
        ("Is travel visafree?", "Is travel visa-free?"),
        # two words the essay writes as one (trial round 19: "head teacher", "headteacher")
        ("What inter governmental grievances?", "What intergovernmental grievances?"),
        ("Is it inter-governmental?", "Is it intergovernmental?"),
        ("What Frame Work?", "What Framework?"),
        # a word typed cut short, of one word of the essay's (trial round 36: "defib")
        ("Why did Lukash complain?", "Why did Lukashenko complain?"),
        ("What about sovereig?", "What about sovereignty?"),
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
        "What about Minsc?",  # short: a letter changed, as often another word
        "Is it a tast?",  # "taste" or "toast": two words as close
        "What is photosynthesis?",  # nothing in the essay is one edit away
        "When is the next elction?",  # "elition" stems to "elit" but is no word
        "Is the unionstate over?",  # "union state", never hyphenated
        "Is the post Soviet space gone?",  # written "post-Soviet", never as one word
        "Is it inter?",  # cut short of several words: "interest", "international", ...
        # cut short to four letters: as often a word of its own, "loos" (trial round 42:
        # "where are the loos" had been read as "where are the loosening")
        "Is it Kaza?",
    ],
)
def test_words_that_may_be_meant_are_left_alone(seed_index: PassageIndex, question: str) -> None:
    assert respell(question, seed_index, ENGLISH) == question


def test_prepared_words_are_stemmed_before_any_question(
    seed_index: PassageIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    english = frozenset({*ENGLISH, "bookkeeping", "junctions"})  # a list no other test uses
    spelling.prepare(english)
    stemmed: list[str] = []
    monkeypatch.setattr(spelling, "analyze", lambda text: stemmed.append(text) or [])
    assert respell("Who invented the bicycle?", seed_index, english) == "Who invented the bicycle?"
    assert respell("Where are the junctions?", seed_index, english) == "Where are the junctions?"
    assert respell("Why is Belarus dvifting away?", seed_index, english).endswith("drifting away?")
    assert stemmed == []  # every start was stemmed by `prepare`


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


def _mixed_letters(count: int, seed: int) -> str:
    """`count` distinct letters drawn from many scripts, none of them a-z."""
    letters = [chr(c) for c in range(0x100, 0x3000) if chr(c).isalpha()]
    return "".join(random.Random(seed).sample(letters, count))


@pytest.mark.parametrize(
    ("question", "looked_up"),
    [
        (_mixed_letters(1000, 1), 0),  # one "word" of a thousand letters from many scripts
        (" ".join(_mixed_letters(24, seed) for seed in range(40)), LIMITS.max_words),
        (" ".join(_mixed_letters(7, seed) for seed in range(120)), LIMITS.max_words),
    ],
    ids=["one 1000-letter word", "40 words of 24 letters", "120 words of 7 letters"],
)
def test_respelling_work_is_bounded_per_question(
    seed_index: PassageIndex, monkeypatch: pytest.MonkeyPatch, question: str, looked_up: int
) -> None:
    words: list[str] = []
    made = 0

    def counted(word: str) -> Iterator[str]:
        nonlocal made
        words.append(word)
        for neighbour in neighbours(word):
            made += 1
            yield neighbour

    monkeypatch.setattr("index.spelling.neighbours", counted)
    spelling._nearest.cache_clear()  # count the work, not what an earlier test left cached
    respell(question, seed_index, ENGLISH)
    assert len(words) == looked_up
    assert all(len(word) <= LIMITS.max_letters for word in words)
    assert made <= LIMITS.max_candidates


def test_misspelt_words_past_the_limit_are_left_as_typed(seed_index: PassageIndex) -> None:
    slips = ["goverment", "Lukashnko", "soveriegnty"] * 4
    read = respell(" ".join(slips), seed_index, ENGLISH).split()
    right = ["government", "Lukashenko", "sovereignty"] * 4
    n = LIMITS.max_words
    assert read == right[:n] + slips[n:]


def test_the_candidates_bound_is_what_neighbours_makes_at_worst() -> None:
    word = _mixed_letters(LIMITS.max_letters, 7)  # every letter new: the largest alphabet
    assert sum(1 for _ in neighbours(word)) == candidates(len(word))
    assert sum(1 for _ in neighbours("goverment")) < candidates(len("goverment"))
