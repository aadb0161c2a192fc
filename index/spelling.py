"""Misspelt question words put right from the essays' own words ("goverment" -> "government").

A word is respelt only when it is long enough (one edit from a short word is often another
word), the essays never use it, and it is no English word: the caller's word list (essaybot
passes the similarity model's vocabulary), compared by stem, so "junctions" counts as known
through "junction".
It becomes the word one edit away, theirs or English, whose term the essays use most.
A contraction typed without its apostrophe ("whats", "hows", "dont") gets it back first, so
that it reads as the stopwords it is rather than as a word the essays never use ("hows"
would become "shows").
The work is bounded whatever the question (`SpellingLimits`): a 1,000-letter "word" of many
scripts would otherwise make millions of candidate spellings.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from index.analyzer import analyze, normalize
from index.search import PassageIndex

__all__ = [
    "CONTRACTIONS",
    "LIMITS",
    "MIN_LETTERS",
    "MIN_SHORT_LETTERS",
    "SpellingLimits",
    "neighbours",
    "prepare",
    "respell",
]

MIN_LETTERS = 6
# Shorter words, down to this, are put right only from two letters swapped or one dropped
# ("hievs" -> "hives", "frist" -> "first", "quary" -> "quarry"), the slips of fast typing
# that seldom make another word; any edit of a short word is as often another word.
MIN_SHORT_LETTERS = 4
_WORD = re.compile(rf"[^\W\d_]{{{MIN_SHORT_LETTERS},}}")
_LATIN = frozenset("abcdefghijklmnopqrstuvwxyz")
# Contractions often typed without their apostrophe, each no English word without it ("its",
# "wont", "well" and "shell" are, and stay).
CONTRACTIONS = {
    word.replace("'", ""): word
    for word in """
    what's how's where's who's when's why's that's there's here's don't doesn't didn't isn't
    wasn't aren't weren't can't couldn't shouldn't wouldn't hasn't haven't hadn't they're
    you're
    """.split()
}


@dataclass(frozen=True)
class SpellingLimits:
    """How much respelling one question may cost.

    - `max_letters`: longer words are left as they are. The similarity model's longest
      English word has 18 letters ("telecommunications"); a slip adds at most one.
    - `max_words`: misspelt-looking words looked up per question; the rest are left as
      typed. Together they bound the candidates: `max_words` x `candidates(max_letters)`.
    """

    max_letters: int = 24
    max_words: int = 8

    @property
    def max_candidates(self) -> int:
        """The most candidate spellings one question can make."""
        return self.max_words * candidates(self.max_letters)


LIMITS = SpellingLimits()


def candidates(letters: int) -> int:
    """The most words `neighbours` yields for a word of `letters` letters (all distinct and
    none in a-z: the alphabet is then a-z plus them)."""
    alphabet = 26 + letters
    return letters + (letters - 1) + letters * (alphabet - 1) + (letters + 1) * alphabet


def prepare(english: frozenset[str]) -> None:
    """Sort and stem `english` for respelling now (0.1-0.2 s once, for 22,500 words), not a
    little at each question with a word the essays do not use (up to 4 ms each)."""
    for start in {word[:3] for word in _english_sorted(english)}:
        _english_stems(start, english)


@lru_cache(maxsize=4)
def _english_sorted(english: frozenset[str]) -> tuple[str, ...]:
    return tuple(sorted(english))


@lru_cache(maxsize=8192)  # the model's words have 3,594 three-letter starts
def _english_stems(start: str, english: frozenset[str]) -> frozenset[str]:
    """The stems of the English words beginning with `start` (three letters, which stemming
    leaves alone)."""
    words = _english_sorted(english)
    first, last = bisect_left(words, start), bisect_left(words, start + "\U0010ffff")
    return frozenset(analyze(" ".join(words[first:last]))) if first < last else frozenset()


def respell(
    question: str,
    index: PassageIndex,
    english: frozenset[str] | Callable[[], frozenset[str]],
    limits: SpellingLimits = LIMITS,
) -> str:
    """`question` with each misspelt word replaced by the essays' nearest spelling.

    `english` may be a function giving the word list: it is called only for a word the
    essays do not use, so a question in the essays' own words never loads the list.
    """
    looked_up = 0
    words: frozenset[str] | None = None

    def mend(match: re.Match[str]) -> str:
        nonlocal looked_up, words
        word = match.group()
        folded = normalize(word)
        if looked_up >= limits.max_words or len(folded) > limits.max_letters:
            return word
        terms = index.query(folded)
        if not terms or any(term in index for term in terms):  # the essays use it
            return word
        if folded in CONTRACTIONS:
            return _cased_like(word, CONTRACTIONS[folded])
        if (hyphenated := _hyphenated(folded, index)) is not None:
            return _cased_like(word, hyphenated)
        if words is None:
            words = english if isinstance(english, frozenset) else english()
        if not _misspelt(folded, index, words):
            return word
        looked_up += 1
        if (whole := _clipped(folded, index)) is not None:
            return _cased_like(word, whole)
        if len(folded) < MIN_LETTERS:
            nearest = _nearest_short(folded, index, words)
        else:
            nearest = _nearest(folded, index, words)
        return word if nearest is None else _cased_like(word, nearest)

    return _WORD.sub(mend, _joined(question, index))


# Two words, or a word hyphenated once: what may be one word in the essays ("head teacher").
_LETTERS_RUN = re.compile(r"[^\W\d_]+")
_BETWEEN = re.compile(r"[ \t]+|-")


def _joined(question: str, index: PassageIndex) -> str:
    """`question` with two words the essays write as one joined as they write it: "head
    teacher" for their "headteacher" (trial round 19: "Who is the head teacher?" matched
    nothing), "pre-season" for "preseason"."""
    runs = list(_LETTERS_RUN.finditer(question))
    parts, position, skip = [], 0, False
    for first, second in pairwise(runs):
        if skip:  # the first was joined to the word before it
            skip = False
            continue
        between = question[first.end() : second.start()]
        if not _BETWEEN.fullmatch(between):
            continue
        one = _one_word(normalize(first.group()), normalize(second.group()), index)
        if one is not None:
            parts += [question[position : first.start()], _cased_like(first.group(), one)]
            position, skip = second.end(), True
    return "".join(parts) + question[position:] if parts else question


@lru_cache(maxsize=16_384)
def _one_word(first: str, second: str, index: PassageIndex) -> str | None:
    """`first` and `second` as the one word the essays write for them, if they write it and
    never write the two apart; each word of three letters or more and no stopword."""
    if len(first) < 3 or len(second) < 3 or not (analyze(first) and analyze(second)):
        return None
    joined = first + second
    terms = index.terms(joined)  # a word they use: no variant of it looked for
    if len(terms) != 1 or terms[0] not in index or not index.uses_phrase(joined):
        return None
    if index.uses_phrase(f"{first} {second}") or index.uses_phrase(f"{first}-{second}"):
        return None
    return joined


@lru_cache(maxsize=16_384)
def _hyphenated(word: str, index: PassageIndex) -> str | None:
    """`word` as the essays write it with a hyphen, when they do: "preseason" for their
    "pre-season" (trial round 18: "when does preseason start" matched nothing). Each half
    at least two letters, with a term the essays use; the first split they write wins."""
    for at in range(2, len(word) - 1):
        hyphenated = f"{word[:at]}-{word[at:]}"
        if index.uses_phrase(hyphenated):
            return hyphenated
    return None


@lru_cache(maxsize=16_384)
def _misspelt(word: str, index: PassageIndex, english: frozenset[str]) -> bool:
    """Whether `word` may be misspelt: neither the essays nor English know it."""
    terms = index.query(word)
    stems = _english_stems(word[:3], english)
    return bool(terms) and not any(term in index or term in stems for term in terms)


def _cased_like(word: str, other: str) -> str:
    """`other` in the case of `word`: "LUKASHNKO" -> "LUKASHENKO", "Goverment" -> "Government"."""
    if word.isupper():
        return other.upper()
    return other[:1].upper() + other[1:] if word[:1].isupper() else other


# A word typed cut short: at least this many letters, of one at least `_CLIPPED_WHOLE` long.
# Four are as often a word of its own that English has and the model's words lack (trial
# round 42: "where are the loos" was read as "where are the loosening"); five ("defib",
# "merch") changed no other gold question.
_CLIPPED = 5
_CLIPPED_WHOLE = 7


@lru_cache(maxsize=16_384)
def _clipped(word: str, index: PassageIndex) -> str | None:
    """The essays' word that `word` (neither theirs nor English) begins, typed cut short,
    when their words it begins are all one term: "defib" for their "defibrillator" (trial
    round 36: "where is the defib now" found nothing), "merch" for "merchandise"."""
    if len(word) < _CLIPPED:
        return None
    begun = index.words_beginning(word)
    whole = [w for w in begun if len(w) >= max(_CLIPPED_WHOLE, len(word) + 2)]
    terms = {term for w in whole for term in index.terms(w)}
    if not whole or len(terms) != 1 or not all(term in index for term in terms):
        return None
    return min(whole, key=len)


@lru_cache(maxsize=16_384)
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


@lru_cache(maxsize=16_384)
def _nearest_short(word: str, index: PassageIndex, english: frozenset[str]) -> str | None:
    """For a short word, the one spelling two swapped letters or a dropped one away that is
    an English word or the essays' (with a term they use, or none: "whta" is "what"), when
    there is exactly one: "hievs" -> "hives"; "tset" (test? sets?) is left alone."""
    found = {
        neighbour
        for neighbour in _slips(word)
        if (neighbour in index.words or neighbour in english)
        and all(term in index for term in index.terms(neighbour))
    }
    return found.pop() if len(found) == 1 else None


def _slips(word: str) -> Iterator[str]:
    """The `neighbours` of `word` with two neighbouring letters swapped or a letter put back."""
    letters = sorted(word)
    for neighbour in neighbours(word):
        if len(neighbour) > len(word) or sorted(neighbour) == letters != list(neighbour):
            yield neighbour


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
