"""The cascade: questions whose words alone decide are answered or declined without the model.

The sentence model is the costly part of an answer (loading it, then embedding the question).
Two cases need none of it: a question naming something the essays never use is declined
whatever its meaning (the names check would decline it after the model anyway), and a
question most of whose idf mass (`words_cover`), over at least `words_cover_terms` of its
terms, one of the best passages matches, BM25's first passage leading its second
(`words_lead`), is covered by the words. Those three are chosen by the rule in
bot/measure/cascade.py: no tuning question does worse on any gold figure. Every other
question goes on to the model.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.answering._bylines import writers
from bot.answering._checks import names_unknown
from bot.answering._policy import Policy
from bot.answering._ranking import asks
from index import Hit, Passage, PassageIndex, analyze

__all__ = ["ByWords", "asked_before", "by_words", "counted_terms", "coverages"]

# Question-framing words: when the essays never use them they say nothing about whether
# the essays cover the question ("What does the author say about ...?"). Stemmed forms.
FRAMING = frozenset(
    analyze(
        "essay essays author writer article text say says think mention "
        "describe explain argue tell according discuss opinion view "
        "propose suggest claim believe conclude recommend write wrote note point "
        # asking for what is there, not of it: "List the ingredients for the scones"
        "list show outline "
        # asking what kind of thing the answer is: "What make is the boiler?"
        "make kind type sort brand"
    )
)
# ... and "happen" in a question naming a year ("What happened in 1901?" of a timeline whose
# entries never say "happened"): the year asks, and "happen" only frames it. Not for any
# question: "What happened to the bees?" says what it asks only with "happen" (session 21:
# as a framing word for every question, +1 answered, -1 ranked first, 1 unanswerable more
# answered; for these, session 22, no gold decision changed).
_FRAMING_A_YEAR = FRAMING | frozenset(analyze("happen"))


@dataclass(frozen=True)
class ByWords:
    """What the words decided: covered (the later checks still run), or declined and why."""

    covered: bool
    because: str = ""


def counted_terms(index: PassageIndex, terms: Sequence[str]) -> list[str]:
    """The question's `terms` that coverage counts: not framing words the essays never use."""
    framing = _FRAMING_A_YEAR if any(len(t) == 4 and t.isdigit() for t in terms) else FRAMING
    return [t for t in terms if t not in framing or t in index]


def coverages(
    index: PassageIndex, terms: Sequence[str], hits: Sequence[Hit], policy: Policy
) -> list[tuple[float, int]]:
    """Per hit, the share of the question's idf mass it matches and how many of the question's
    terms that is; framing words the essays never use are not counted. With
    `policy.context_words`, a passage matches the words it is read with too (`context`)."""
    counted = counted_terms(index, terms)
    idf = {t: index.idf(t) for t in counted}
    total = sum(idf[t] for t in counted)
    found = []
    for hit in hits:
        present = index.indexed_terms(hit.passage)
        if policy.context_words:
            present |= context(index, hit.passage)
        matched = [t for t in counted if t in present]
        found.append((sum(idf[t] for t in matched) / total if total else 0.0, len(matched)))
    return found


def context(index: PassageIndex, passage: Passage) -> frozenset[str]:
    """The terms `passage` is read with besides its own and its heading's: the words of its
    essay's title that no passage uses ("interview" in "Where was the interview recorded?",
    of "Interview with a Lighthouse Keeper"), and the question it answers when it follows
    one (an interview's "Q: ..."), and the names in its essay's byline (a diary's writer is
    its "I"). Title words the passages use are left to them: counting
    them for every passage of the essay answered more of what the gold essays do not say."""
    terms = frozenset(t for t in index.title_terms(passage.document) if t not in index)
    terms |= writers(index).get(passage.document, frozenset())
    if (asked := asked_before(index, passage)) is not None:
        terms |= index.indexed_terms(asked)
    return terms


def asked_before(index: PassageIndex, passage: Passage) -> Passage | None:
    """The question `passage` answers, when it follows one (an interview's "Q: ...")."""
    asked = index.preceding(passage)
    return asked if asked is not None and asks(index, asked) else None


def by_words(
    index: PassageIndex, policy: Policy, read: str, terms: Sequence[str], hits: Sequence[Hit]
) -> ByWords | None:
    """The decision the words make about the question `read` (analysed as `terms`, ranked
    as `hits`, the passages its confidence weighs), or None when meaning must decide."""
    if policy.known_names and (because := names_unknown(read, index)):
        return ByWords(covered=False, because=because)
    if policy.words_cover > 1:  # words never decide that the essays cover a question
        return None
    best, matched = max(coverages(index, terms, hits, policy), default=(0.0, 0))
    led = len(hits) < 2 or hits[1].score <= policy.words_lead * hits[0].score
    if best >= policy.words_cover and matched >= policy.words_cover_terms and led:
        return ByWords(covered=True)
    return None
