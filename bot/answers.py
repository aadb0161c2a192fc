"""Compose answers: verbatim quotes from the best passages, or an honest abstention."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import Enum
from functools import lru_cache

from bot.similarity import best_similarity, load_model
from bot.spelling import respell
from index import Hit, Passage, PassageIndex, analyze, sentence_spans

__all__ = [
    "CLOSER_IN_MEANING",
    "CONFIDENCE_PASSAGES",
    "COVERAGE_WEIGHT",
    "MAX_QUESTION_CHARS",
    "MIN_CONFIDENCE",
    "Answer",
    "Answerer",
    "Outcome",
    "Quote",
    "unknown_names",
]

MAX_QUESTION_CHARS = 1000
# Chosen on the tuning half of the gold questions (docs/retrieval.md).
MIN_CONFIDENCE = 0.45
COVERAGE_WEIGHT = 0.20
CONFIDENCE_PASSAGES = 2
CLOSER_IN_MEANING = 0.2
_POINTERS = 4

# Question-framing words: when the essays never use them they say nothing about whether
# the essays cover the question ("What does the author say about ...?"). Stemmed forms.
_FRAMING = frozenset(
    analyze(
        "essay essays author writer article text say says think mention "
        "describe explain argue tell according discuss opinion view "
        "propose suggest claim believe conclude recommend write wrote note point"
    )
)


# A question asking when or how many is answered only by quotes holding a time or amount
# ("When was the union founded?" is not answered by a sentence about the union). "How much"
# and "how big" are left out: they as often ask for a degree ("How much does it matter?").
_WHEN_OR_HOW_MANY = re.compile(
    r"\W*(when|(in )?(what|which) year|how (old|many|long|far|often)|"
    # "What is the population of ...?": a measured quantity, not a figure of speech ("cost")
    r"(what|which)\b[^?.!]{0,24}?\b(population|gdp|percentage|share|rate|age|date|distance|"
    r"speed|temperature|salary|income|length|height|width|depth|weight|budget|number))\b",
    re.IGNORECASE,
)
# A sentence opening with a pronoun ("It bought the rolling stock") is quoted with the
# sentence before it, which says what the pronoun stands for ("The Austrian railway ÖBB ...").
# "It seems" and "it appears" stand for nothing.
_NEEDS_ANTECEDENT = re.compile(
    r"[\"'“‘(]*((but|and|yet|so),? )?(it|its|they|their|them|this|these|those|he|his|she|her|"
    r"such)\b(?! (would )?(seems?|appears?)\b)",
    re.IGNORECASE,
)
_LETTERS = re.compile(r"[^\W\d_][\w'’-]*")
_OPENS_SENTENCE = tuple(".!?:;\"'“‘(")
_TIME_OR_NUMBER = re.compile(
    r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|"
    r"fifty|sixty|seventy|eighty|ninety|hundred|thousand|million|billion|dozens?|half|several|"
    r"few|number|once|twice|years?|decades?|century|centuries|months?|weeks?|days?|hours?|"
    r"minutes?|january|february|march|april|may|june|july|august|september|october|november|"
    r"december|spring|summer|autumn|fall|winter|season|morning|afternoon|evening|night|ago|"
    r"since|until|after|before|during|now|today|yesterday|tomorrow)\b",
    re.IGNORECASE,
)


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
    # Why a question confident enough was still declined ("" otherwise), for :debug.
    declined_because: str = ""
    # The question as it was looked up, when respelling changed it ("" otherwise).
    read_as: str = ""

    @property
    def answered(self) -> bool:
        """Whether the essays answer the question (quotes are given)."""
        return self.outcome is Outcome.ANSWERED


class Answerer:
    """Turns a question into an Answer; all thresholds are parameters.

    - `min_confidence`: the least `confidence()` at which the essays count as answering.
    - `close_ratio`: further passages are quoted when they score at least this share of the best,
    - `closer_in_meaning`: or when their nearest sentence is closer in meaning to the question,
      by at least this much, than the best passage's.
    - `sentence_ratio`: sentences quoted score at least this share of the passage's best sentence.
    - `answer_types`: a question asking when, how many or for a quantity needs a time or
      amount in the quotes.
    - `known_names`: a question naming something the essays never mention is declined.
    - `spelling`: misspelt question words are put right from the essays' own words.
    """

    def __init__(
        self,
        index: PassageIndex,
        *,
        top_k: int = 5,
        min_confidence: float = MIN_CONFIDENCE,
        close_ratio: float = 0.75,
        closer_in_meaning: float = CLOSER_IN_MEANING,
        sentence_ratio: float = 0.5,
        max_passages: int = 3,
        max_sentences: int = 3,
        answer_types: bool = True,
        known_names: bool = True,
        spelling: bool = True,
    ) -> None:
        self.index = index
        self.top_k = top_k
        self.min_confidence = min_confidence
        self.close_ratio = close_ratio
        self.closer_in_meaning = closer_in_meaning
        self.sentence_ratio = sentence_ratio
        self.max_passages = max_passages
        self.max_sentences = max_sentences
        self.answer_types = answer_types
        self.known_names = known_names
        self.spelling = spelling
        load_model()

    def ask(self, question: str, k: int | None = None) -> Answer:
        """Answer `question` from the essays, or say they do not cover it."""
        question = question.strip()
        if not question:
            return Answer(question, Outcome.EMPTY, (), (), 0.0)
        if len(question) > MAX_QUESTION_CHARS:
            return Answer(question, Outcome.TOO_LONG, (), (), 0.0)
        read = self.read(question)
        answer = self._answer(question, read, k or self.top_k)
        return replace(answer, read_as=read) if read != question else answer

    def _answer(self, question: str, read: str, k: int) -> Answer:
        hits = tuple(self.index.search(read, k))
        confidence = self.confidence(read, hits)
        if not hits or confidence < self.min_confidence:
            return self._declined(question, hits, confidence)  # weak evidence
        quotes = self._quotes(read, hits)
        if not quotes:
            return self._declined(question, hits, confidence, "only a section heading matched")
        if self.answer_types and not _answers_the_kind_asked(read, quotes):
            because = "it asks for a time or amount and no quote holds one"
            return self._declined(question, hits, confidence, because)
        if self.known_names and (names := unknown_names(read, self.index)):
            because = f"it names {', '.join(names)}, which the essays never use"
            return self._declined(question, hits, confidence, because)
        return Answer(question, Outcome.ANSWERED, quotes, hits, confidence)

    def _declined(
        self, question: str, hits: tuple[Hit, ...], confidence: float, because: str = ""
    ) -> Answer:
        pointers = self._pointers(hits)
        return Answer(question, Outcome.NOT_COVERED, (), hits, confidence, pointers, because)

    def read(self, question: str) -> str:
        """`question` as it is looked up: with `spelling`, misspelt words put right."""
        return respell(question, self.index) if self.spelling else question

    def _pointers(self, hits: tuple[Hit, ...]) -> tuple[tuple[str, str], ...]:
        if hits:
            pairs = [(h.passage.document, h.passage.section) for h in hits]
        else:
            pairs = [(d.title, s.heading) for d in self.index.documents for s in d.sections]
        return tuple(dict.fromkeys(pairs))[:_POINTERS]

    def confidence(self, question: str, hits: Sequence[Hit]) -> float:
        """How surely the best hits answer `question`, from 0 to 1: the most sure of the
        best `CONFIDENCE_PASSAGES` hits, by `passage_confidence`."""
        return max(
            (self.passage_confidence(question, h.passage) for h in hits[:CONFIDENCE_PASSAGES]),
            default=0.0,
        )

    def passage_confidence(self, question: str, passage: Passage) -> float:
        """How surely `passage` answers `question`, from 0 to 1.

        A weighted mean of two views that fail differently: `coverage` (the words of the
        question it uses) and `similarity` (how close in meaning its nearest sentence is,
        which forgives a paraphrase such as "complaining" for "grievances").
        """
        return COVERAGE_WEIGHT * self.coverage(question, passage) + (
            1 - COVERAGE_WEIGHT
        ) * self.similarity(question, passage)

    def similarity(self, question: str, passage: Passage) -> float:
        """The closest meaning of any sentence of `passage` to `question`, from 0 to 1."""
        sentences = [passage.text[start:end] for start, end in sentence_spans(passage.text)]
        return best_similarity(question, sentences)

    def coverage(self, question: str, passage: Passage) -> float:
        """Share of the question's idf mass that `passage` matches (unknown words at max idf)."""
        terms = [t for t in self.index.query(question) if t not in _FRAMING or t in self.index]
        total = sum(self.index.idf(t) for t in terms)
        present = self.index.indexed_terms(passage)
        matched = sum(self.index.idf(t) for t in terms if t in present)
        return matched / total if total else 0.0

    def _quotes(self, question: str, hits: tuple[Hit, ...]) -> tuple[Quote, ...]:
        terms = set(self.index.query(question))
        best = hits[0].score
        nearest = self.similarity(question, hits[0].passage) + self.closer_in_meaning
        # passage id -> (passage, sentence spans), in rank order
        chosen: dict[str, tuple[Passage, set[tuple[int, int]]]] = {}
        for hit in hits[: self.max_passages]:
            close = hit.score >= self.close_ratio * best
            if not close and self.similarity(question, hit.passage) < nearest:
                continue
            for start, end in self._best_sentences(hit.passage.text, terms):
                # A repeated sentence maps to one place, so the set quotes it once.
                home, start, end = self.index.home(hit.passage, start, end)
                spans = chosen.setdefault(home.id, (home, set()))[1]
                spans.add((start, end))
                # ... and so is the sentence a pronoun needs, unless its copy lives elsewhere
                before = _antecedent(home.text, start)
                if before and self.index.home(home, *before) == (home, *before):
                    spans.add(before)
        scores = {hit.passage.id: hit.score for hit in hits}
        quotes: list[Quote] = []
        for passage_id, (passage, spans) in chosen.items():
            score = scores.get(passage_id)
            if score is None:
                score = self.index.score(question, passage)
            quotes.extend(Quote(text, passage, score) for text in _runs(passage.text, spans))
        return tuple(quotes)

    def _best_sentences(self, text: str, terms: set[str]) -> list[tuple[int, int]]:
        """Spans of the sentences of `text` that best match `terms`: the best, then more while
        they and the sentences before those opening with a pronoun (quoted too) number at
        most `max_sentences`."""
        scored = [
            (
                sum(self.index.idf(t) for t in terms & set(self.index.terms(text[start:end]))),
                start,
                end,
            )
            for start, end in sentence_spans(text)
        ]
        top = max((weight for weight, _, _ in scored), default=0.0)
        ranked = sorted(s for s in scored if s[0] > 0 and s[0] >= self.sentence_ratio * top)
        ranked.sort(key=lambda s: -s[0])  # stable: equal weights stay in text order
        best: list[tuple[int, int]] = []
        quoted = 0  # sentences, counting the ones before those that open with a pronoun
        for _, start, end in ranked:
            before = _antecedent(text, start)
            cost = 1 + (before is not None and before not in best)
            if not best or quoted + cost <= self.max_sentences:  # the best, whatever it costs
                best.append((start, end))
                quoted += cost
        return best


def _antecedent(text: str, start: int) -> tuple[int, int] | None:
    """The span of the sentence before the one at `start` of `text`, if that one opens with a
    pronoun and is not the first."""
    if not _NEEDS_ANTECEDENT.match(text, start):
        return None
    spans = sentence_spans(text)
    i = next((i for i, (s, _) in enumerate(spans) if s == start), 0)
    return spans[i - 1] if i else None


def _asks_for_time_or_amount(question: str) -> bool:
    """Whether `question` asks when, how many or how much of a quantity: its answer needs one."""
    return bool(_WHEN_OR_HOW_MANY.match(question))


def unknown_names(question: str, index: PassageIndex) -> list[str]:
    """Names in `question` that the essays never use: "Putin" in "What did Putin say?".

    A name is a capitalised word that does not open a sentence; in a question mostly in
    capitals (Title Case, or CAPS LOCK) capitals say nothing, so none is a name. Words of
    the essays' titles count as used.
    """
    inner = [  # words that do not open a sentence, where a capital means something
        word.group()
        for word in _LETTERS.finditer(question)
        if (before := question[: word.start()].rstrip()) and before[-1] not in _OPENS_SENTENCE
    ]
    capitalised = [word for word in inner if word[0].isupper()]
    if 2 * len(capitalised) > len(inner):
        return []
    titles = _title_terms(index)  # "the Manifesto" may name an essay by its title
    names = []
    for word in capitalised:
        terms = index.query(word)
        if terms and not any(term in index or term in titles for term in terms):
            names.append(word)
    return names


@lru_cache(maxsize=8)
def _title_terms(index: PassageIndex) -> frozenset[str]:
    return frozenset(analyze(" ".join(document.title for document in index.documents)))


def _answers_the_kind_asked(question: str, quotes: Sequence[Quote]) -> bool:
    if not _asks_for_time_or_amount(question):
        return True
    return any(_TIME_OR_NUMBER.search(quote.text) for quote in quotes)


def _runs(text: str, spans: set[tuple[int, int]]) -> list[str]:
    """Merge chosen sentence spans that are adjacent in `text` into verbatim runs."""
    ordered = sorted(spans)
    runs: list[list[int]] = []
    for start, end in ordered:
        if runs and not text[runs[-1][1] : start].strip():
            runs[-1][1] = end
        else:
            runs.append([start, end])
    return [text[start:end] for start, end in runs]
