"""Repeated sentences: where each sentence of an essay is best cited from, found once at build.

A sentence repeated in its essay, alone or inside a longer sentence (a standfirst repeating
the body), is credited to its last copy: summaries precede what they sum up.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from itertools import pairwise

import numpy as np
from numpy.typing import NDArray

from index.analyzer import normalize
from index.passages import Passage
from index.state import State, require

__all__ = ["Homes", "Span", "compared", "find_homes", "layout_from_state", "layout_state"]

Span = tuple[int, int]
# (passage position, sentence start) -> (position, start, end) of the copy to cite instead.
Homes = dict[tuple[int, int], tuple[int, int, int]]
# A sentence found inside a longer one counts as a copy only if it is at least this long.
_MIN_CONTAINED_WORDS = 5
# A sentence this short repeated is another statement, not a copy: "No." after "Is there a
# septic tank?" is not the "No." after "Are you aware of any dispute?" (trial round 33: a
# property form's every "No." had been cited from its last).
_MIN_COPIED_WORDS = 3
_END = ".!?…"


def compared(text: str) -> str:
    """A sentence as compared: normalised, white space collapsed."""
    return " ".join(normalize(text).split())


def find_homes(
    passages: Sequence[Passage],
    spans: Sequence[Sequence[Span]],
    documents: Sequence[range],
    quotations: frozenset[int] = frozenset(),
) -> Homes:
    """The later copy of every sentence that has one: `spans[i]` are passage i's sentences and
    `documents[i]` the positions of its document's passages.

    The home of a sentence is in the last passage after its own that holds a sentence equal to
    it (final punctuation aside) or, for one of at least five words, containing it; the first
    such sentence there. A forum reply's quotation of an earlier post (`quotations`,
    index/replies.py) is no copy and has none: a post is cited from itself.
    """
    homes: Homes = {}
    for positions in dict.fromkeys(documents):  # each document once
        homes.update(_document_homes(passages, spans, positions, quotations))
    return homes


def _document_homes(
    passages: Sequence[Passage],
    spans: Sequence[Sequence[Span]],
    positions: range,
    quotations: frozenset[int],
) -> Homes:
    sentences = [  # (position, start, end, key), in text order
        (i, start, end, compared(passages[i].text[start:end]))
        for i in positions
        if i not in quotations
        for start, end in spans[i]
    ]
    equal: defaultdict[str, list[int]] = defaultdict(list)  # stripped key -> sentences
    words: Counter[str] = Counter()
    for n, (_, _, _, key) in enumerate(sentences):
        if len(key.split()) >= _MIN_COPIED_WORDS:
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


def layout_state(spans: Sequence[Sequence[Span]], homes: Homes) -> dict[str, NDArray[np.int64]]:
    """Sentence spans and homes as arrays, so a loaded index need not find them again (it took
    20 s for 500,000 sentences, against 0.5 s to read them)."""
    flat = [x for passage in spans for span in passage for x in span]
    pairs = np.array(flat, dtype=np.int64).reshape(-1, 2)
    moved = np.array([(*key, *home) for key, home in homes.items()], dtype=np.int64)
    moved = moved.reshape(-1, 5)
    arrays = {
        "span_count": np.fromiter(map(len, spans), np.int64, len(spans)),
        "span_start": pairs[:, 0].copy(),
        "span_end": pairs[:, 1].copy(),
    }
    names = ("home_of", "home_of_start", "home", "home_start", "home_end")
    return arrays | {name: moved[:, i].copy() for i, name in enumerate(names)}


def layout_from_state(
    state: State, passages: Sequence[Passage]
) -> tuple[list[tuple[Span, ...]], Homes]:
    """The spans and homes `layout_state` stored, checked against `passages`' texts."""
    lengths = np.fromiter((len(p.text) for p in passages), np.int64, len(passages))
    counts = state.array("span_count", np.int64, len(passages))
    require(bool(np.all(counts >= 0)), "the sentence counts")
    total = int(counts.sum())
    starts = state.array("span_start", np.int64, total)
    ends = state.array("span_end", np.int64, total)
    owner = np.repeat(np.arange(len(passages)), counts)
    require(bool(np.all((starts >= 0) & (starts < ends) & (ends <= lengths[owner]))), "spans")
    bounds = np.concatenate(([0], np.cumsum(counts))).tolist()
    pairs = list(zip(starts.tolist(), ends.tolist(), strict=True))
    spans = [tuple(pairs[a:b]) for a, b in pairwise(bounds)]
    of = state.array("home_of", np.int64)
    columns = [of] + [
        state.array(name, np.int64, len(of)) for name in ("home_of_start", "home", "home_start")
    ]
    home_end = state.array("home_end", np.int64, len(of))
    for position, start in ((columns[0], columns[1]), (columns[2], columns[3])):
        require(bool(np.all((position >= 0) & (position < len(passages)))), "homes")
        require(bool(np.all((start >= 0) & (start <= lengths[position]))), "home starts")
    require(bool(np.all(home_end <= lengths[columns[2]])), "home ends")
    keys = zip(columns[0].tolist(), columns[1].tolist(), strict=True)
    values = zip(columns[2].tolist(), columns[3].tolist(), home_end.tolist(), strict=True)
    return spans, dict(zip(keys, values, strict=True))
