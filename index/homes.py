"""Repeated sentences: where each sentence of an essay is best cited from, found once at build.

A sentence repeated in its essay, alone or inside a longer sentence (a standfirst repeating
the body), is credited to its last copy: summaries precede what they sum up.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence

from index.analyzer import normalize
from index.passages import Passage

__all__ = ["Span", "find_homes"]

Span = tuple[int, int]
# (passage position, sentence start) -> (position, start, end) of the copy to cite instead.
Homes = dict[tuple[int, int], tuple[int, int, int]]
# A sentence found inside a longer one counts as a copy only if it is at least this long.
_MIN_CONTAINED_WORDS = 5
_END = ".!?…"


def _key(text: str) -> str:
    """A sentence as compared: normalised, white space collapsed."""
    return " ".join(normalize(text).split())


def find_homes(
    passages: Sequence[Passage], spans: Sequence[Sequence[Span]], documents: Sequence[range]
) -> Homes:
    """The later copy of every sentence that has one: `spans[i]` are passage i's sentences and
    `documents[i]` the positions of its document's passages.

    The home of a sentence is in the last passage after its own that holds a sentence equal to
    it (final punctuation aside) or, for one of at least five words, containing it; the first
    such sentence there.
    """
    homes: Homes = {}
    for positions in dict.fromkeys(documents):  # each document once
        homes.update(_document_homes(passages, spans, positions))
    return homes


def _document_homes(
    passages: Sequence[Passage], spans: Sequence[Sequence[Span]], positions: range
) -> Homes:
    sentences = [  # (position, start, end, key), in text order
        (i, start, end, _key(passages[i].text[start:end]))
        for i in positions
        for start, end in spans[i]
    ]
    equal: defaultdict[str, list[int]] = defaultdict(list)  # stripped key -> sentences
    words: Counter[str] = Counter()
    for n, (_, _, _, key) in enumerate(sentences):
        equal[key.rstrip(_END)].append(n)
        words.update(set(key.split()))
    # A sentence inside another is found through its rarest inner word, which the other
    # holds as a whole word too (its first and last may be parts of longer words there).
    anchors: dict[int, str] = {}
    for n, (_, _, _, key) in enumerate(sentences):
        inner = key.rstrip(_END).split()[1:-1]
        if len(inner) + 2 >= _MIN_CONTAINED_WORDS:
            anchors[n] = min(inner, key=words.__getitem__)
    wanted = set(anchors.values())
    holding: defaultdict[str, list[int]] = defaultdict(list)  # anchor word -> sentences
    for n, (_, _, _, key) in enumerate(sentences):
        for word in wanted.intersection(key.split()):
            holding[word].append(n)
    homes: Homes = {}
    for n, (position, start, _, key) in enumerate(sentences):
        stripped = key.rstrip(_END)
        found = _last(sentences, equal[stripped], position)
        if n in anchors:
            inside = _last(sentences, holding[anchors[n]], position, stripped)
            found = max(found, inside, key=lambda m: (sentences[m][0], -m) if m >= 0 else (-1, 0))
        if found >= 0:
            homes[(position, start)] = sentences[found][:3]
    return homes


def _last(
    sentences: Sequence[tuple[int, int, int, str]],
    numbers: Sequence[int],
    after: int,
    inside: str | None = None,
) -> int:
    """Of `numbers` (sentences in text order), the first in the last passage after position
    `after` that has one (one containing `inside`, if given); -1 if there is none."""
    found = -1
    for m in reversed(numbers):
        position = sentences[m][0]
        if position <= after or (found >= 0 and position < sentences[found][0]):
            break
        if inside is None or inside in sentences[m][3]:
            found = m
    return found
