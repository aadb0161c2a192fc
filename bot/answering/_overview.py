"""What an essay is about: its opening, quoted, for a question asking so.

"What is this essay about?" and "Summarise the article" share no word with any passage that
answers them, and no sentence is near them in meaning, so they were declined. An essay's
summary section ("Abstract", "Summary", "Overview", ...), or else its first paragraph of
prose, says what it is about in its own words: its first two sentences are quoted, for the
essays whose titles the question names, or for every essay when it names none (at most
`max_passages`). A byline, a date, a line of fields ("Date: 14 March 2025") or a table row
is no opening.
"""

from __future__ import annotations

import re
from functools import lru_cache

from bot.answering._bylines import byline_ids
from index import Passage, PassageIndex, analyze, is_code

__all__ = ["asks_what_about", "openings"]

_KINDS = (
    r"(essays?|articles?|texts?|pieces?|stor(?:y|ies)|reports?|documents?|books?|posts?|"
    r"papers?|writings?|guides?|manuals?|notes|files?|pages?|chapters?|transcripts?|letters?)"
)
_WHAT_ABOUT = re.compile(
    r"\W*(?:so,?\s+|ok,?\s+|okay,?\s+)?(?:"
    rf"what(?:'s|’s|\s+is|\s+are)\s+(?:this|the|these|that|those|your)\s+(?:[\w'’-]+\s+){{0,4}}?"
    rf"{_KINDS}\s+(?:all\s+|mainly\s+|mostly\s+)?about|"
    r"what(?:'s|’s|\s+is)\s+(?:it|this|that)\s+(?:all\s+)?about|"
    r"(?:can\s+you\s+|could\s+you\s+|please\s+)?(?:summari[sz]e|sum\s+up)\b.*|"
    r"(?:give\s+me\s+)?(?:an?\s+)?(?:summary|overview|gist|tl;?dr)\b.*|"
    rf"(?:what\s+is\s+)?the\s+(?:gist|main\s+point|summary)\s+of\s+(?:this|the)\s+.*"
    r")\W*$",
    re.IGNORECASE,
)
# Words of such a question that name no essay.
_FRAME = frozenset(
    analyze(
        "what is are this the these that those your it all mainly mostly about so ok okay can "
        "could you please summarise summarize summary sum up give me an overview gist tldr "
        "main point of essay essays article articles text texts piece pieces story stories "
        "report reports document documents book books post posts paper papers writing "
        "writings guide guides manual manuals notes file files page pages chapter chapters "
        "transcript transcripts letter letters"
    )
)
# Headings of a section that sums an essay up.
_SUMMARY_HEADINGS = re.compile(
    r"(abstract|summary|executive summary|overview|in brief|at a glance|tl;?dr|key points|"
    r"synopsis|about( this \w+)?)",
    re.IGNORECASE,
)
_FIELD_LINE = re.compile(r"[A-Z][\w '’()/-]{0,40}:\s")
_LEAST_WORDS = 12  # a shorter paragraph is a heading's line, a date, a caption
_SENTENCES = 2


def asks_what_about(question: str) -> bool:
    """Whether `question` asks what an essay is about: "What is this essay about?",
    "Summarise the article", "What's it all about?", "Give me an overview"."""
    return bool(_WHAT_ABOUT.match(question))


def openings(index: PassageIndex, terms: list[str], most: int) -> tuple[tuple[Passage, str], ...]:
    """What answers a what-about question of `terms`, as (passage, text quoted): the first
    sentences of the essays' summaries or openings, of the essays named (all, when none
    is); none when it names what no title holds (it is answered as any other question)."""
    named = {term for term in terms if term not in _FRAME}
    essays = [d.title for d in index.documents if named <= index.title_terms(d.title)]
    found = _openings(index)
    return tuple(found[essay] for essay in essays if essay in found)[:most]


@lru_cache(maxsize=8)
def _openings(index: PassageIndex) -> dict[str, tuple[Passage, str]]:
    """Per essay title, its summary's or opening's first sentences (read once per index)."""
    skipped = byline_ids(index)
    summaries: dict[str, Passage] = {}
    firsts: dict[str, Passage] = {}
    for passage in index.passages:
        text = passage.text
        if (
            passage.id in skipped
            or len(text.split()) < _LEAST_WORDS
            or _FIELD_LINE.match(text)
            or is_code(text)
            or index.table_header(passage) is not None
            or index.heads_table(passage)
        ):
            continue
        firsts.setdefault(passage.document, passage)
        if _SUMMARY_HEADINGS.fullmatch(passage.section.strip()):
            summaries.setdefault(passage.document, passage)
    found = {}
    for title, first in firsts.items():
        passage = summaries.get(title, first)
        spans = index.spans(passage)[:_SENTENCES]
        found[title] = (passage, passage.text[spans[0][0] : spans[-1][1]])
    return found
