"""Who wrote an essay: its byline, for a question asking that.

A byline ("By Nessa Cawthorne, Saltmarsh Courier, 9 June 2023") is a short paragraph among
the first three of an essay's first section that opens with "By" or "Written by" and a
capital, or ends with "written by", "compiled by" or "edited by" and a name, and is no
sentence. Neither words nor meaning find it for "Who wrote this?": it shares no word with
the question, and the sentence model sees no authorship in a name. So a question asking who
wrote an essay is answered with the bylines of the essays it names (by words of their
titles), or of every essay when it names none; a question naming anything else ("Who wrote
War and Peace?") is answered as any other, and so is one about an essay without a byline.
"""

from __future__ import annotations

import re
from functools import lru_cache

from index import Passage, PassageIndex

__all__ = ["asks_who_wrote", "byline_ids", "bylines"]

_WHO_WROTE = re.compile(
    r"\W*(who\s+(wrote|authored|has\s+written|is\s+the\s+(author|writer)\s+of)|"
    r"who\s+(is|was)\s+(the|its|their)\s+(author|writer)s?|"
    r"(what\s+is|what's)\s+the\s+(author|writer)'?s\s+name|"
    r"by\s+whom\s+(is|was)|who\s+(is|was)\s+(it|this|that)\b.{0,30}\bwritten\s+by)\b",
    re.IGNORECASE,
)
_BYLINE = re.compile(r"([Ww]ritten\s+)?[Bb]y\s+[A-Z][^!?\n]{0,90}$")  # not "By the end, ..."
# A subtitle naming its writer: "A report for the Residents' Association — written by Orla
# Kiernan, November 2022".
_CREDIT = re.compile(r"[^!?\n]{0,90}\b(written|compiled|edited)\s+by\s+[A-Z][^!?\n]{0,60}$")
# Words of the question that name the kind of text, not which one ("this essay", "the piece").
_OF_ANY_ESSAY = frozenset("write writer author essay articl piec text stori post report".split())


def asks_who_wrote(question: str) -> bool:
    """Whether `question` asks who wrote an essay: "Who wrote this?", "Who is the author?"."""
    return bool(_WHO_WROTE.match(question))


def bylines(index: PassageIndex, terms: list[str]) -> tuple[Passage, ...]:
    """The bylines of the essays a who-wrote question with `terms` names (all, when it names
    none); nothing when it names something no title holds, or those essays have none."""
    found = _bylines(index)
    named = [term for term in terms if term not in _OF_ANY_ESSAY]
    if not named:
        return found
    return tuple(p for p in found if set(named) <= index.title_terms(p))


@lru_cache(maxsize=8)
def byline_ids(index: PassageIndex) -> frozenset[str]:
    """The ids of the essays' bylines: passages that answer who wrote them, and nothing else."""
    return frozenset(passage.id for passage in _bylines(index))


@lru_cache(maxsize=8)
def _bylines(index: PassageIndex) -> tuple[Passage, ...]:
    """Each essay's byline, in the order of the essays (read once per index: 10-30 ms at
    100,000 passages)."""
    first = {d.title: d.sections[0].heading for d in index.documents if d.sections}
    found: dict[str, Passage] = {}
    for passage in index.passages:
        if (
            passage.paragraph <= 3
            and passage.document not in found
            and passage.section == first.get(passage.document)
            and _is_byline(passage.text)
        ):
            found[passage.document] = passage
    return tuple(found.values())


def _is_byline(text: str) -> bool:
    """ "By Nessa Cawthorne, Saltmarsh Courier", "Written by J. Smith", "By Jane Doe.", "A report
    for the association — written by Orla Kiernan", not a sentence opening with "By" ("By
    Monday the river had risen.") or telling who wrote something ("It was written by Ann
    Lee in the winter of 2022.")."""
    credited = _BYLINE.match(text) or _CREDIT.match(text)
    return bool(credited) and (not text.endswith(".") or len(text.split()) <= 5)
