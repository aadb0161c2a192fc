"""Misspelt question words put right from the essays' own words ("goverment" -> "government").

A word is respelt only when it is long enough (one edit from a short word is often another
word), the essays never use it, and it is no English word: the caller's word list (essaybot
passes the similarity model's vocabulary), compared by stem, so "junctions" counts as known
through "junction".
It becomes the word one edit away, theirs or English, whose term the essays use most.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from functools import lru_cache

from index.analyzer import analyze, normalize
from index.search import PassageIndex

__all__ = ["MIN_LETTERS", "neighbours", "respell"]

MIN_LETTERS = 6
_WORD = re.compile(rf"[^\W\d_]{{{MIN_LETTERS},}}")


@lru_cache(maxsize=4)
def _english_by_start(english: frozenset[str]) -> dict[str, list[str]]:
    """English words by their first three letters, which stemming leaves alone."""
    words: dict[str, list[str]] = defaultdict(list)
    for word in sorted(english):
        words[word[:3]].append(word)
    return words


@lru_cache(maxsize=4096)
def _english_stems(start: str, english: frozenset[str]) -> frozenset[str]:
    return frozenset(analyze(" ".join(_english_by_start(english).get(start, []))))


def respell(question: str, index: PassageIndex, english: frozenset[str]) -> str:
    """`question` with each misspelt word replaced by the essays' nearest spelling; `english`
    is a list of English words (lowercase), which are never respelt."""

    def mend(match: re.Match[str]) -> str:
        word = match.group()
        nearest = _respelt(normalize(word), index, english)
        return word if nearest is None else _cased_like(word, nearest)

    return _WORD.sub(mend, question)


@lru_cache(maxsize=16_384)
def _respelt(word: str, index: PassageIndex, english: frozenset[str]) -> str | None:
    """The essays' spelling of `word`, if it is misspelt (None: leave it as it is)."""
    terms = index.query(word)
    stems = _english_stems(word[:3], english)
    if not terms or any(term in index or term in stems for term in terms):
        return None
    return _nearest(word, index, english)


def _cased_like(word: str, other: str) -> str:
    """`other` in the case of `word`: "LUKASHNKO" -> "LUKASHENKO", "Goverment" -> "Government"."""
    if word.isupper():
        return other.upper()
    return other[:1].upper() + other[1:] if word[:1].isupper() else other


def _nearest(word: str, index: PassageIndex, english: frozenset[str]) -> str | None:
    """The word one edit from `word` whose term the essays use most: one of their words, or
    an English word ("drifting" where they say "drift"), not any string that stems alike
    ("elition", stem "elit", is not taken for "elite")."""
    ranked = [
        (index.idf(terms[0]), neighbour)
        for neighbour in neighbours(word)
        if (neighbour in index.words or neighbour in english)
        and len(terms := index.terms(neighbour)) == 1
        and terms[0] in index
    ]
    return min(ranked)[1] if ranked else None


def neighbours(word: str) -> Iterator[str]:
    """Every word one edit from `word`: a letter dropped, swapped with the next, changed or added.

    Letters come from a-z and `word` itself, so "lukashenka" may become "lukashenko".
    """
    letters = sorted(set("abcdefghijklmnopqrstuvwxyz") | set(word))
    for i in range(len(word) + 1):
        left, right = word[:i], word[i:]
        if right:
            yield left + right[1:]
        if len(right) > 1:
            yield left + right[1] + right[0] + right[2:]
        for letter in letters:
            if right and letter != right[0]:
                yield left + letter + right[1:]
            yield left + letter + right
