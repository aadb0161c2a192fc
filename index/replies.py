"""Forum replies that quote an earlier post: found once at build.

A reply quoting a post ("hollybank_hannah wrote: We dry laundry on an airer ...") repeats
its words in a shorter passage, which BM25 ranks above the post itself (trial round 27: "What
are the walls made of?" was answered at confidence 1.0 by a quotation of another poster). A
passage opened so, whose quoted words an earlier passage of its essay holds, is indexed with
no words and cites no sentence of its own: the post quoted is found and cited instead.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from index.homes import compared
from index.passages import Passage
from index.patterns import lazy

__all__ = ["quoting"]

# "X wrote:", "X said:", "Originally Posted by X", "Quote from: X", a name of up to 3 words
_QUOTING = lazy(
    r"(?:originally posted by \S+(?: \S+){0,2}|quote from:? \S+(?: \S+){0,2}|"
    r"\S+(?: \S+){0,2} (?:wrote|said)):?\s+",
    re.IGNORECASE,
)
_MIN_QUOTED_WORDS = 3


def quoting(passages: Sequence[Passage], documents: Sequence[range]) -> frozenset[int]:
    """The positions of the passages that quote an earlier passage of their essay;
    `documents[i]` are the positions of passage i's essay's passages."""
    found = set()
    keys: dict[int, str] = {}
    for position, passage in enumerate(passages):
        label = _QUOTING.match(passage.text)
        quoted = compared(passage.text[label.end() :]) if label else ""
        if len(quoted.split()) < _MIN_QUOTED_WORDS:
            continue
        for earlier in documents[position]:
            if earlier >= position:
                break
            if earlier not in keys:
                keys[earlier] = compared(passages[earlier].text)
            if quoted in keys[earlier]:
                found.add(position)
                break
    return frozenset(found)
