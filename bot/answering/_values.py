"""What asking returns: an Answer, its quotes, and the evidence it was decided on."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from index import Hit, Passage

__all__ = ["Answer", "Evidence", "Outcome", "Quote"]


class Outcome(Enum):
    """Why an answer came out as it did."""

    ANSWERED = "answered"
    NOT_COVERED = "not_covered"
    EMPTY = "empty"
    TOO_LONG = "too_long"


@dataclass(frozen=True)
class Quote:
    """A verbatim run of sentences from one passage, with that passage's score."""

    text: str
    passage: Passage
    score: float
    # The essay's page opened at this quote (a text fragment), when its essay has a `url:`.
    link: str = ""
    # A table's header row, quoted for the body row after it ("Day | Early | Late").
    heads_table: bool = False


@dataclass(frozen=True)
class Evidence:
    """How surely one ranked passage answers the question, and the two views it is made of."""

    rank: int
    # The share of the question's idf mass that the passage matches.
    coverage: float
    # How close in meaning the passage's nearest sentence is to the question; None when the
    # words alone decided (the cascade) and the sentence model was not run.
    similarity: float | None
    # The policy's blend of the two, from 0 to 1 (the coverage, when the words decided).
    confidence: float


@dataclass(frozen=True)
class Answer:
    """The result of asking: quotes when answered, always the ranked hits."""

    question: str
    outcome: Outcome
    quotes: tuple[Quote, ...]
    hits: tuple[Hit, ...]
    confidence: float
    # (document, section) pairs to point to when abstaining: the sections of the best hits,
    # or, when no passage shares a word with the question, the first sections of the essays.
    sections: tuple[tuple[str, str], ...] = ()
    # Why a question confident enough was still declined ("" otherwise).
    declined_because: str = ""
    # The question as it was looked up, when respelling changed it ("" otherwise).
    read_as: str = ""
    # The passages the confidence was weighed on, in rank order; it is the best of theirs.
    evidence: tuple[Evidence, ...] = ()

    @property
    def answered(self) -> bool:
        """Whether the essays answer the question (quotes are given)."""
        return self.outcome is Outcome.ANSWERED

    @property
    def surest(self) -> Evidence | None:
        """The evidence the confidence comes from (the first of equals), if any was weighed."""
        return max(self.evidence, key=lambda e: e.confidence, default=None)
