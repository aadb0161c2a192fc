"""Where a quotation comes from: the passage that says it word for word, or nearly, or none.

A misquote check ("Find the source" in Discord): the text is looked up with BM25, and the
best passages are read for it, first word for word (case, spacing and curly quotes aside),
then for a run of 1-3 consecutive sentences holding nearly the same words in the same order
(difflib's matching words, over the longer of the quotation and the run they span: at least
`NEAR`). The cost is one search plus reading `_CANDIDATES` passages; a message whose whole
text is not found word for word is looked up line by line too (`best_source`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from enum import Enum

from bot.answering import as_read
from index import Passage, PassageIndex, normalize, sentence_spans

__all__ = ["NEAR", "Match", "Source", "best_source", "find_source"]

NEAR = 0.7  # share of the words a near-exact quotation keeps, in order
_CANDIDATES = 10
_RUN = 3  # consecutive sentences a quotation may span
_WORD = re.compile(r"[^\W_]+")
_LINES = 4  # lines of a message looked up one by one, at most (`best_source`)
_LINE_WORDS = 4  # a shorter line is a title, a name or a date, not a quotation


class Match(Enum):
    """How a quotation matches the essays."""

    EXACT = "exact"
    NEAR = "near"
    NONE = "none"


@dataclass(frozen=True)
class Source:
    """The passage a quotation comes from, the verbatim text it matches there, and how well."""

    match: Match
    passage: Passage | None = None
    text: str = ""  # the essay's own words for it (for NEAR: what the essay says instead)
    ratio: float = 0.0


def _tokens(text: str) -> list[tuple[str, int, int]]:
    """Words of `text`, normalised, with where each stands in `text` itself."""
    return [(normalize(m.group()), m.start(), m.end()) for m in _WORD.finditer(text)]


def find_source(index: PassageIndex, quotation: str) -> Source:
    """Where `quotation` comes from in the essays, if anywhere: read as a question is
    (`as_read`: a web page's soft hyphens and zero-width spaces dropped, accents composed;
    red-team round 25: any caller but Discord's menu had called such a copy "near")."""
    quotation = as_read(quotation)
    wanted = [word for word, _, _ in _tokens(quotation)]
    if not wanted:
        return Source(Match.NONE)
    hits = index.search(quotation, _CANDIDATES)
    for hit in hits:
        found = _exact(hit.passage.text, wanted)
        if found:
            # A sentence the essay repeats (a standfirst) is credited to its body copy.
            home, _, _ = index.home(hit.passage, *found)
            start, end = _exact(home.text, wanted) or found
            return Source(Match.EXACT, home, home.text[start:end], 1.0)
    best = Source(Match.NONE, hits[0].passage if hits else None)
    for hit in hits:
        text = hit.passage.text
        spans = sentence_spans(text)
        for first in range(len(spans)):
            for last in range(first, min(first + _RUN, len(spans))):
                offset = spans[first][0]
                near = _near(text[offset : spans[last][1]], wanted)
                if near and near[0] > best.ratio:
                    ratio, start, end = near
                    best = Source(
                        Match.NEAR, hit.passage, text[offset + start : offset + end], ratio
                    )
    return best if best.ratio >= NEAR else Source(Match.NONE, best.passage)


def best_source(index: PassageIndex, quotation: str) -> tuple[Source, str]:
    """Where `quotation` comes from, whole, or else where one of its lines does (a title over
    an embed's quote, "Quote of the day", is no part of the quote): word for word first,
    else the nearest; and what was looked up. At most `_LINES` lines more are searched."""
    best = (find_source(index, quotation), quotation)
    lines = [line for line in quotation.split("\n") if len(line.split()) >= _LINE_WORDS]
    if best[0].match is Match.EXACT or len(lines) < 2:
        return best
    for line in lines[:_LINES]:
        found = find_source(index, line)
        if found.match is Match.EXACT:
            return found, line
        if found.match is Match.NEAR and found.ratio > best[0].ratio:
            best = (found, line)
    return best


def _exact(text: str, wanted: list[str]) -> tuple[int, int] | None:
    """The span of `text` whose words are `wanted`, if there is one."""
    tokens = _tokens(text)
    keys = [word for word, _, _ in tokens]
    for i in range(len(keys) - len(wanted) + 1):
        if keys[i : i + len(wanted)] == wanted:
            return tokens[i][1], tokens[i + len(wanted) - 1][2]
    return None


def _near(text: str, wanted: list[str]) -> tuple[float, int, int] | None:
    """How nearly `text` says `wanted` (words matched in order over the longer of the
    quotation and the run of `text` they span), and that run's span."""
    tokens = _tokens(text)
    blocks = SequenceMatcher(None, wanted, [w for w, _, _ in tokens], autojunk=False)
    matched = [b for b in blocks.get_matching_blocks() if b.size]
    if not matched:
        return None
    first, last = matched[0].b, matched[-1].b + matched[-1].size - 1
    ratio = sum(b.size for b in matched) / max(len(wanted), last - first + 1)
    return ratio, tokens[first][1], tokens[last][2]
