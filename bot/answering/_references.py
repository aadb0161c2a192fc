"""A part of an essay asked for by its number: "What does section 3.2 say?", "clause 4?".

Handbooks, contracts and rules number their parts ("3.2 Holiday requests must be made ...",
a heading "3. HOLIDAYS"), and their readers ask for them by number. The number is no word
BM25 or the sentence model can find ("3.2" is read as "3" and "2"), so a question asking for
nothing but a numbered part is answered with the passages numbered so, or with the
paragraphs under a heading numbered so; when no part has that number, it is declined saying
so. A question asking more of a part ("What does clause 4 say about notice?") is answered as
any other: its words find it. An essay that numbers no part has its sections numbered by the
table of contents (`essaybot sections`), and "section 2" is its second, as `:section 2` is.
"""

from __future__ import annotations

import re
from functools import lru_cache

from index import Passage, PassageIndex, analyze
from index.documents import HEADING_LABELS, find_sections, own_heading

__all__ = ["asked_part", "numbered"]

# "section 3.2", "clause 4", "Article 12", "para. 2.1.1", "§ 7"
_PART = re.compile(
    r"(?:\b(section|sect\.|sec\.|clause|article|art\.|paragraph|para\.|part|rule|schedule)|§)\s*"
    r"(\d{1,3}(?:\.\d{1,3}){0,3})(?![\d.]*\d)",
    re.IGNORECASE,
)
# Words of a question asking only for a part: "What does section 3.2 say?", "Show me clause
# 4", "what's in section 2", "Read out article 7 please".
_ONLY_ASKING = frozenset(
    analyze(
        "section sect sec clause article art paragraph para part rule schedule say says said "
        "state states stated cover covers contain contains mean means show read text wording "
        "words tell please out full whole exactly"
    )
)
# The most passages quoted for a numbered heading's paragraphs.
_MOST = 3


def asked_part(question: str) -> tuple[str, str] | None:
    """(the word naming it, the number) of the numbered part that `question` asks for and for
    nothing else, or None."""
    found = _PART.search(question)
    if found is None:
        return None
    rest = question[: found.start()] + " " + question[found.end() :]
    if any(term not in _ONLY_ASKING for term in analyze(rest)):
        return None
    word = (found.group(1) or "section").rstrip(".").lower()
    return {"sect": "section", "sec": "section", "art": "article", "para": "paragraph"}.get(
        word, word
    ), found.group(2)


def numbered(index: PassageIndex, kind: str, number: str) -> tuple[Passage, ...]:
    """The passages numbered `number` ("3.2 Holiday requests ...", "(3.2) ...", "4. If you
    are ill ...") in the essays, else the first paragraphs under each heading numbered so
    ("3. HOLIDAYS", "2 Methods", "ARTICLE 3 - RENTS"); else, for a section, the first
    paragraphs of the section the table of contents numbers so (`essaybot sections`: "2" of
    one essay, "2.3" of several), as `:section 2` shows it."""
    own, headed = _numbers(index)
    if found := own.get(number) or headed.get(number, ()):
        return found
    if kind != "section":
        return ()
    listed = find_sections(index.documents, number)[:1]
    return tuple(
        passage
        for document, section in listed
        for passage in index.passages_of(document.title, section.heading)[:_MOST]
    )


# A part's number opening a paragraph or heading: "3.2 ", "3.2. ", "(3.2) ", "3. ".
_OPENING = re.compile(r"\(?(\d{1,3}(?:\.\d{1,3}){0,3})(\.(?!\d)|\))?[ \t]+\S")


# A heading's number after its label: "ARTICLE 4 - PLOT RULES", "Part 2: Methods".
_LABELLED = re.compile(
    rf"{HEADING_LABELS}\s+(\d{{1,3}}(?:\.\d{{1,3}}){{0,3}})\b(?!\.\d)", re.IGNORECASE
)


@lru_cache(maxsize=8)
def _numbers(
    index: PassageIndex,
) -> tuple[dict[str, tuple[Passage, ...]], dict[str, tuple[Passage, ...]]]:
    """The passages of `index` by the number opening them, and by the number opening their
    heading (the first `_MOST` of each section), read once per index. A paragraph opening
    "3 " may be a count ("3 very ripe bananas"), a heading hardly."""
    own: dict[str, list[Passage]] = {}
    headed: dict[str, list[Passage]] = {}
    counted: dict[tuple[str, str], int] = {}
    for passage in index.passages:
        found = _OPENING.match(passage.text)
        if found and ("." in found.group(1) or found.group(2)):
            own.setdefault(found.group(1), []).append(passage)
        heading = own_heading(passage.section)
        if found := _OPENING.match(heading) or _LABELLED.match(heading):
            key = (passage.document, passage.section)
            counted[key] = counted.get(key, 0) + 1
            if counted[key] <= _MOST:
                headed.setdefault(found.group(1), []).append(passage)
    return (
        {number: tuple(passages) for number, passages in own.items()},
        {number: tuple(passages) for number, passages in headed.items()},
    )
