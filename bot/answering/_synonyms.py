"""Everyday words the essays do not use, read as the essays' word nearest in the model.

"what are the kids eating" shares no word with "Children's menu for the 7 children: chicken
goujons"; nor "bike hire" with "bicycles". A question word the essays never use (after
respelling), typed in lower case, is read as the essays' word whose input vector in the
sentence model (`bot.similarity.word_vectors`: how the model reads a word before its
context) is nearest it, when that is near enough (`Policy.synonym_similarity`). Such
neighbours are as often a word's kin as its synonym ("monday" is 0.75 from "tuesday",
"sixty" 0.72 from "forty"), so days, months, times of day, numbers and words of how often
are never read as another; nor is a word read as one ending in it ("site" as "website").
Names are safe by the threshold: "alison" is 0.31 from "alice", "oxford" 0.46 from
"cambridge". The question is then shown as read, as a respelt one is.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from bot.answering._cascade import FRAMING
from bot.answering._checks import DAYS, MONTHS, NUMBER_WORDS
from index import PassageIndex, analyze, normalize
from index.analyzer import STOPWORDS
from index.patterns import lazy

__all__ = ["WordVectors", "prepare_synonyms", "with_synonyms"]

# Words whose nearest in the model are their kin, not their synonyms: never read as another.
_KIN = lazy(
    rf"({DAYS}|{MONTHS}|{'|'.join(NUMBER_WORDS)}|spring|summer|autumn|winter|morning|"
    r"afternoon|evening|night|noon|midnight|dawn|dusk|tonight|today|tomorrow|yesterday|"
    r"hundred|thousand|million|billion|first|second|third|fourth|fifth|sixth|seventh|eighth|"
    r"ninth|tenth|once|twice|half|double|might|must|could|should|would|often|sometimes|"
    r"usually|always|never)s?"
)
_WORD = lazy(r"[A-Za-z]+")
_NEAREST = 5  # neighbours tried, nearest first, past those left out above
# Words looked up per question, at most (each a product of the model's words the essays use,
# up to 21,400, by one vector): the rest are left as typed, so a 1,000-character question of
# words the essays never use costs as much as one of eight (116 words had cost 32 ms).
_MOST_WORDS = 8


# The model's words, their unit vectors and their terms, space-separated ("" a stopword).
WordVectors = Callable[[], tuple[tuple[str, ...], NDArray[np.float32], tuple[str, ...]]]


def with_synonyms(question: str, index: PassageIndex, load: WordVectors, least: float) -> str:
    """`question` with each lower-case word the essays never use, and the model reads as a
    word (`load`: its words and their unit vectors, loaded only for such a word), put as the
    essays' word nearest it in the model, at a cosine of `least` or more; the first
    `_MOST_WORDS` such words only."""
    looked_up = 0

    def nearest(match: re.Match[str]) -> str:
        nonlocal looked_up
        word = match.group()
        folded = normalize(word)
        if word != folded or folded in STOPWORDS or _KIN.fullmatch(folded):
            return word
        if any(term in FRAMING for term in analyze(folded)):  # "say" says nothing asked
            return word
        terms = index.query(folded)
        if not terms or any(term in index for term in terms):  # the essays use it
            return word
        rows, theirs, kept = _theirs(index, load)
        if folded not in rows or not theirs or looked_up >= _MOST_WORDS:
            return word
        looked_up += 1
        cosines = kept @ load()[1][rows[folded]]
        for i in np.argsort(-cosines)[:_NEAREST]:
            other = theirs[int(i)]
            if cosines[i] < least:
                break
            if not _KIN.fullmatch(other) and not other.endswith(folded):
                return other
        return word

    return _WORD.sub(nearest, question)


def prepare_synonyms(index: PassageIndex, load: WordVectors) -> None:
    """Read the model's words and match them to `index`'s now (about 0.2 s once), as a
    long-running front end does at start, not at its first question with a word the essays
    never use."""
    _theirs(index, load)


@lru_cache(maxsize=8)
def _theirs(
    index: PassageIndex, load: WordVectors
) -> tuple[dict[str, int], tuple[str, ...], NDArray[np.float32]]:
    """The rows of the model's words, and those of them the essays use (every term of each)
    with their vectors: read once per index when a question first has a word they never use
    (lookups, a few milliseconds for 21,400 words)."""
    words, vectors, terms = load()
    used = {term for term in set(terms) if term and all(t in index for t in term.split())}
    kept = [i for i, term in enumerate(terms) if term in used]
    return _rows(words), tuple(words[i] for i in kept), vectors[kept]


@lru_cache(maxsize=2)
def _rows(words: tuple[str, ...]) -> dict[str, int]:
    """Each of the model's words' row."""
    return {word: i for i, word in enumerate(words)}
