"""The Answerer: a question -> ranked hits -> confidence -> quotes, or an honest abstention."""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import partial
from typing import Protocol

from bot.answering._bylines import (
    asks_who_wrote,
    byline_ids,
    front_matter_authors,
    signers,
    when_written,
    who_wrote,
)
from bot.answering._cascade import asked_before, by_words, context, coverages
from bot.answering._checks import (
    NOT_ENGLISH,
    asks_for_contact,
    asks_for_someone,
    asks_how_many,
    counts_before,
    essays_naming,
    holds_asked_value,
    holds_count,
    holds_exact_value,
    lacks_comparison,
    lacks_counted,
    lacks_money,
    lacks_name,
    lacks_person,
    lacks_place,
    lacks_time_or_amount,
    mentions_only,
    misses_numbers,
    names_elsewhere,
    names_unquoted,
    not_in_english,
    of_another_group,
    spell_out,
)
from bot.answering._overview import (
    asks_what_about,
    contact_lines,
    front_matter_dates,
    opening_field,
    openings,
    role_fields,
)
from bot.answering._policy import MAX_QUESTION_CHARS, Policy
from bot.answering._quotes import (
    of_the_named,
    section_fields,
    select_quotes,
    sentences_after,
    unquoted_sentences,
    with_asked,
    with_asked_noun,
    with_fields,
    with_labels,
    with_next_sentence,
    with_reason,
    with_reply,
    with_sentence,
    with_uncovered,
)
from bot.answering._ranking import (
    asks_definition,
    follow_questions,
    lead,
    reorder,
    to_definition,
    to_sibling,
    without_measure,
)
from bot.answering._references import asked_part, numbered
from bot.answering._synonyms import WordVectors, with_synonyms
from bot.answering._values import Answer, Evidence, Outcome, Quote
from bot.links import fragment_link
from index import (
    Hit,
    Passage,
    PassageIndex,
    analyze,
    code_lines,
    inline_text,
    is_code,
    read_heading,
    respell,
)

__all__ = ["Answerer", "Similarity", "as_read"]


class Similarity(Protocol):
    """How close in meaning a question is to the nearest of some sentences, each read alone
    and, given a heading, under it too, from 0 to 1: the front ends pass
    bot.sentence_vectors.SentenceVectors.similarity (sentence vectors kept on disk), tests
    bot.similarity.best_similarity (the same floats, embedded in memory)."""

    def __call__(self, question: str, sentences: Sequence[str], heading: str = "", /) -> float: ...


# The English words never respelt, or a function giving them (called only when a question
# has a word the essays do not use, so the list is not loaded for the others).
EnglishWords = frozenset[str] | Callable[[], frozenset[str]]


# Terminal escape sequences ("\x1b[1m": bold, pasted from a terminal) are no part of a
# question and are taken out; other control characters ("\x00") part words as spaces do.
_ESCAPES = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)?|[@-_])?")
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Characters that show as nothing, copied from web pages and PDFs inside words: a soft
# hyphen, zero-width spaces and joiners, direction marks, a word joiner, a byte order mark.
_INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def as_read(text: str) -> str:
    """`text` as a question is read (and echoed): without terminal escape sequences, its
    other control characters as spaces ("@every\x00one" stays two words); without characters
    that show as nothing, its accents composed (red-team round 24, F7: "wel\u00adcome
    Chi\u00adnese" had been declined as naming "Chi", which the essays never use)."""
    read = _CONTROLS.sub(" ", _ESCAPES.sub("", text))
    return unicodedata.normalize("NFC", _INVISIBLE.sub("", read))


# A greeting, thanks or acknowledgement alone ("hi", "Thanks!", "ok bye", "got it, lol") asks
# nothing of the essays: it is told to ask a question, not that the essays do not cover it.
_PLEASANTRIES = frozenset(
    "hi hello hey hiya howdy yo greetings thanks thank thankyou you u thx ty tysm cheers ta ok "
    "okay okey k kk bye goodbye good morning afternoon evening night there all bot essaybot "
    "please great nice cool lol lmao haha hahaha hah heh much very so a lot awesome perfect "
    "brilliant lovely amazing excellent fine sweet wow oh ah yes yep yeah yup yay no nope sure "
    "right alright gotcha got it understood noted appreciated appreciate".split()
)
_WORD = re.compile(r"[^\W_]+")


def asks_nothing(text: str) -> bool:
    """Whether `text` asks nothing: no letter or figure ("?!", "🐔🥚"), or nothing but a
    greeting, thanks or acknowledgement ("hi", "Thanks!", "ok lol"). Not "Why?"."""
    return set(_WORD.findall(text.casefold())) <= _PLEASANTRIES


# The checks that decline a confident answer whose quotes lack what the question asks for
# (bot/answering/_checks.py), each with the Policy switch that turns it on, in order.
_CHECKS: tuple[tuple[str, Callable[[str, Sequence[Quote]], str | None]], ...] = (
    ("answer_types", lacks_time_or_amount),
    ("answer_types", lacks_comparison),
    ("counted_answers", lacks_counted),
    ("money_answers", lacks_money),
    ("quoted_numbers", misses_numbers),
    ("name_answers", lacks_name),
    ("unnamed_mentions", mentions_only),
    ("group_answers", of_another_group),
    ("person_answers", lacks_person),
    ("place_answers", lacks_place),
)


# The checks needing a name in the quotes, which a table's header row does not give.
_NAMING_CHECKS = frozenset(("name_answers", "person_answers"))

# The words of a short sentence: one after the sentence a how-many question's words find may
# give its count ("Nineteen people died in Aldermouth.", "This recipe makes 16 squares.").
_SHORT_SENTENCE = 15


class Answerer:
    """Turns a question into an Answer from `index`, as `policy` says, judging meaning by
    `similarity`, which is called only when the words do not decide (the cascade); `english`
    (bot.similarity.model_words, or that function) are words never respelt; `words`
    (bot.similarity.word_vectors), the model's words read for those the essays never use."""

    def __init__(
        self,
        index: PassageIndex,
        policy: Policy,
        similarity: Similarity,
        *,
        english: EnglishWords,
        words: WordVectors | None = None,
    ) -> None:
        self.index = index
        self.policy = policy
        self.similarity = similarity
        self.english = english
        self.words = words
        self._published = {d.slug: d for d in index.documents if d.url}
        self._pages: dict[str, str] = {}

    def ask(self, question: str, k: int | None = None) -> Answer:
        """Answer `question` from the essays, or say they do not cover it."""
        # echoed as asked (a byte order mark piped in is no part of it); looked up without
        # control characters
        question = question.strip().lstrip("\ufeff").strip()
        plain = as_read(question).strip()
        if len(question) <= MAX_QUESTION_CHARS:  # a question refused is not read further
            # Markdown marks ("**When** was the _lighthouse_ built?", as typed in Discord) are
            # taken off as the essays' are: read by the sentence model, they changed quotes.
            plain = inline_text(plain, struck=True)
        if asks_nothing(plain):  # "", "?!", "🐔🥚", "hi", "thanks!"
            return Answer(question, Outcome.EMPTY, (), (), 0.0)
        if len(question) > MAX_QUESTION_CHARS:
            return Answer(question, Outcome.TOO_LONG, (), (), 0.0)
        read = self.read(plain)
        answer = self._answer(question, read, k or self.policy.top_k)
        if answer.outcome is Outcome.NOT_COVERED and not_in_english(
            plain, self.index, self._english_words
        ):
            answer = replace(answer, declined_because=NOT_ENGLISH)
        return replace(answer, read_as=read) if read != question else answer

    def _english_words(self) -> frozenset[str]:
        return self.english() if callable(self.english) else self.english

    def read(self, question: str) -> str:
        """`question` as it is looked up: with `spelling`, misspelt words put right; with
        `initialisms`, an initialism the essays never use spelt out as they do ("KS2": "Key
        Stage 2")."""
        if self.policy.spelling:
            question = respell(question, self.index, self.english)
        if self.policy.synonyms and self.words is not None:
            least = self.policy.synonym_similarity
            question = with_synonyms(question, self.index, self.words, least)
        if not self.policy.initialisms:
            return question
        return spell_out(question, self.index, self._english_words())

    def _answer(
        self, question: str, read: str, k: int, only: frozenset[str] | None = None
    ) -> Answer:
        """The answer to `read` (the question as read), listing `k` passages; of the essays
        whose slugs are `only`, when given."""
        terms = self.index.query(read)  # the question's one analysis, passed down
        about = self.policy.openings and asks_what_about(read)  # "What is this essay about?"
        if about and (opening := openings(self.index, terms, self.policy.max_passages)):
            return self._quoted_whole(question, read, opening)
        most = self.policy.max_passages  # "When was the meeting?" of minutes: "Date: ..."
        if self.policy.openings and (field := opening_field(self.index, read, terms, most)):
            return self._quoted_whole(question, read, field)
        if self.policy.openings and (contact := contact_lines(self.index, read, terms, most)):
            return self._quoted_whole(question, read, contact)  # "What is the phone number?"
        if self.policy.openings and (role := role_fields(self.index, read, terms, most)):
            return self._quoted_whole(question, read, role)  # "Secretary: Mr Kevin Oakes"
        # Asking of the essays themselves, the question's words are read as typed: an unknown
        # "review" is not the "view" an essay uses (`PassageIndex.query`).
        as_typed = analyze(read)
        if self.policy.openings and (dates := front_matter_dates(self.index, read, as_typed, most)):
            declined = self._declined(question, (), 0.0)  # "When was this published?"
            why = f"their text does not say when they were written, but {dates}"
            return replace(declined, declined_because=why)
        if not terms:  # "What is it?": only words too common to look up
            return Answer(question, Outcome.EMPTY, (), (), 0.0)
        if self.policy.bylines and asks_who_wrote(read):
            credited = who_wrote(self.index, as_typed)
            if credited == ():  # it asks of an essay that does not say who wrote it
                declined = self._declined(question, (), 0.0)
                why = "the essays it asks of do not say who wrote them"
                if authors := front_matter_authors(self.index, as_typed):  # `author:`
                    why = f"their text does not say who wrote them, but {authors}"
                return replace(declined, declined_because=why)
            if credited:
                return self._quoted_whole(question, read, credited[: self.policy.max_passages])
        if self.policy.bylines and (dated := when_written(self.index, read, as_typed)):
            dated = dated[: self.policy.max_passages]  # "When did she write this?"
            return self._quoted_whole(question, read, tuple((p, p.text) for p in dated))
        if self.policy.numbered_parts and (part := asked_part(read)) is not None:
            kind, number = part  # "What does section 3.2 say?": its words find nothing
            if parts := numbered(self.index, kind, number)[: self.policy.max_passages]:
                return self._quoted_whole(question, read, tuple((p, p.text) for p in parts))
            declined = self._declined(question, (), 0.0)
            return replace(declined, declined_because=f"the essays have no {kind} {number}")
        # Confidence and quotes weigh the same passages whatever `k` lists: `-k 1` must not
        # change whether or what it answers.
        policy = self.policy
        similarities: dict[str, float] = {}

        def sentences_of(passage: Passage) -> list[str]:
            return [passage.text[a:b] for a, b in self.index.spans(passage)]

        def similarity_of(passage: Passage) -> float:
            if passage.id not in similarities:
                similarities[passage.id] = self.similarity(read, sentences_of(passage))
            return similarities[passage.id]

        def answer_similarity(passage: Passage) -> float:
            """An answer is read with the question it follows, as its coverage is ("A: Almost
            nothing." says little alone), for confidence and for which passages are quoted."""
            asked = asked_before(self.index, passage) if policy.context_words else None
            own = similarity_of(passage)
            return own if asked is None else max(own, similarity_of(asked))

        def weighed_similarity(passage: Passage) -> float:
            """`answer_similarity`, its sentences read under their heading too when weighed
            for confidence (`Policy.headings`): "Serves 10." under "Victoria Sponge"."""
            heading = read_heading(passage.section) if policy.headings else ""
            if not heading:
                return answer_similarity(passage)
            key = f"{passage.id}\n{heading}"
            if key not in similarities:
                similarities[key] = self.similarity(read, sentences_of(passage), heading)
            return max(answer_similarity(passage), similarities[key])

        # Enough to list k hits after the followed questions' answers are listed once.
        ranked_by = without_measure(read, terms) if policy.measure_words else terms
        wanted = max(k, policy.weighed) * 2
        found: Sequence[Hit] = self.index.search_terms(ranked_by, wanted if only is None else 50)
        if only is not None:
            kept = [h for h in found if h.passage.id.partition("/")[0] in only][:wanted]
            found = [replace(h, rank=rank) for rank, h in enumerate(kept, 1)]
        if policy.bylines:  # a byline answers who wrote an essay, nothing else
            found = _without(found, byline_ids(self.index))
        if policy.follow_questions:
            found = follow_questions(found, self.index, terms)
        bm25_first = tuple(found[: policy.confidence_passages])
        words = by_words(self.index, policy, read, terms, bm25_first) if found else None
        meaning: Callable[[Passage], float] | None = answer_similarity
        if words is None:
            ranked, evidence = self._rank(terms, found, similarity_of, weighed_similarity)
        else:  # the cascade: the sentence model is not run; BM25's order, quotes by score
            (ranked, evidence), meaning = self._by_words(terms, found, bm25_first), None
        if policy.sibling_sections:
            ranked, evidence = _led(to_sibling(ranked, self.index, terms), ranked, evidence)
        if policy.definitions and (thing := asks_definition(read)):
            defined = to_definition(ranked, self.index, thing, terms)
            ranked, evidence = _led(defined, ranked, evidence)
        hits = ranked[:k]
        confidence = max((e.confidence for e in evidence), default=0.0)
        weak = words is None and confidence < self.policy.min_confidence
        if weak and ranked and self._typed_lead(read, terms, ranked[0]):
            # the value and the words decide, as the cascade's words do: its confidence is
            # their coverage, the value counting for the words asking for it
            surest = Evidence(1, 1.0, answer_similarity(ranked[0].passage), 1.0)
            evidence = (surest, *(e for e in evidence if e.rank != 1))
            confidence = 1.0
        declined = replace(self._declined(question, hits, confidence), evidence=evidence)
        if words is not None and not words.covered:
            return replace(declined, declined_because=words.because)
        if not hits or (words is None and confidence < self.policy.min_confidence):
            return declined  # weak evidence

        def sentence_similarity(sentence: str) -> float:
            return self.similarity(read, [sentence])

        nearest = None if meaning is None else sentence_similarity
        quotes = select_quotes(self.index, policy, terms, ranked, meaning, nearest)
        if policy.quotes_of_the_named:
            quotes = of_the_named(self.index, read, quotes)
        if policy.quote_fields:
            quotes = with_labels(self.index, with_fields(self.index, quotes))
        # a name only another essay uses is no answer from this one (as typed: a name in the
        # essay's title, "Brannick", may be respelt as another essay's word, "Brannock")
        elsewhere = policy.known_names and quotes
        if elsewhere and (because := names_elsewhere(question, self.index, quotes[0].passage)):
            # Asked again of the essays naming it, if any (trial round 19: "When did Quenby
            # get its market?" led with another essay's market in a folder of six)
            naming = essays_naming(question, self.index) if only is None else frozenset()
            if naming and (again := self._answer(question, read, k, only=naming)).answered:
                return again
            return replace(declined, declined_because=because)
        # a name its essay uses elsewhere is no answer from passages never mentioning it
        if policy.quoted_names and (because := self._unquoted_name(question, quotes)):
            return replace(declined, declined_because=because)
        if because := self._doubt(read, quotes):
            mended = self._mended(read, terms, quotes, ranked) if policy.mend_quotes else None
            if mended is None and policy.quote_fields and asks_for_someone(read):
                mended = self._with_field(read, quotes)
            if mended is None:
                return replace(declined, declined_because=because)
            quotes = mended
        if policy.value_leads and (led := _value_led(self.index, read, quotes)):  # "£4.2m" first
            quotes = led
            ranked, evidence = _led_by(led[0].passage, ranked, evidence)
            hits = ranked[:k]
        if policy.quote_next:
            quotes = with_reason(self.index, read, with_next_sentence(self.index, quotes))
            quotes = with_asked_noun(self.index, read, quotes)
        if policy.quote_replies:
            quotes = with_asked(self.index, with_reply(self.index, read, terms, quotes))
        if policy.quote_uncovered:
            quotes = with_uncovered(self.index, terms, quotes, policy.uncovered_sentences)
        quotes = tuple(map(self._linked, quotes))
        return Answer(question, Outcome.ANSWERED, quotes, hits, confidence, evidence=evidence)

    def _unquoted_name(self, question: str, quotes: tuple[Quote, ...]) -> str | None:
        """Why `quotes` do not answer a question naming what their essay names elsewhere,
        if they do not: the essay's writer, by its byline or its signature, is its "I"."""
        signed = signers(self.index)

        def read_with(passage: Passage) -> frozenset[str]:
            return context(self.index, passage) | signed.get(passage.document, frozenset())

        return names_unquoted(question, self.index, quotes, read_with)

    def _mended(
        self, read: str, terms: list[str], quotes: tuple[Quote, ...], ranked: Sequence[Hit]
    ) -> tuple[Quote, ...] | None:
        """`quotes` with a sentence of the first passage not quoted that holds the time or
        sum they lack, when one does and then no check doubts them; for a phone number or
        an email address, a sentence of the next passages too (`_contact_further`)."""
        if misses_numbers(read, quotes) is not None:  # "If it reaches 5,000, ..." (round 20)
            return self._with_sentence(read, quotes)
        if asks_how_many(read):
            return self._count_after(read, quotes)
        if not _lacks_value(read, quotes):
            return None
        for span in unquoted_sentences(self.index, terms, quotes):
            alone = (Quote(quotes[0].passage.text[slice(*span)], quotes[0].passage, 0.0),)
            mended = with_sentence(self.index, quotes, span)
            if not _lacks_value(read, alone) and self._doubt(read, mended) is None:
                return mended
        return (
            self._contact_further(read, terms, quotes, ranked) if asks_for_contact(read) else None
        )

    def _with_field(self, read: str, quotes: tuple[Quote, ...]) -> tuple[Quote, ...] | None:
        """`quotes` led by the first labelled field of their first passage's section after
        which no check doubts them: "Who painted The Herring Season?" is answered by the
        object's "Artist: Edith Marrable" before its description (trial round 21)."""
        for field in section_fields(self.index, quotes[0].passage):
            mended = (Quote(field.text, field, quotes[0].score), *quotes)
            if self._doubt(read, mended) is None:
                return mended
        return None

    def _with_sentence(self, read: str, quotes: tuple[Quote, ...]) -> tuple[Quote, ...] | None:
        """`quotes` with the first sentence of the first passage, not quoted, after which no
        check doubts them: the one holding the figure or naming the numbered thing the
        question does ("What happens if the petition gets 5000 signatures?": "If it reaches
        5,000, the council must debate it ...", after "... which had 4,300 signatures")."""
        for span in unquoted_sentences(self.index, None, quotes):
            mended = with_sentence(self.index, quotes, span)
            if self._doubt(read, mended) is None:
                return mended
        return None

    def _count_after(self, read: str, quotes: tuple[Quote, ...]) -> tuple[Quote, ...] | None:
        """`quotes` with the sentence after the first passage's quoted one, when that is short
        and holds a count, and then no check doubts them: "The Board is reviewing all the rock
        stations on this coast." is answered by "Carrick Head is one of nine." (trial round
        14). Not any sentence of the passage, nor a long one: one holding some count answered
        what the essays do not say ("How many people died in road crashes ...?" with "A small
        increase, repeated every year across millions of drivers, ..."); unless its count is
        of what the quoted one names ("... the forms again." and "By the end of November there
        were already thirty-one in the folder, most of them about ...": trial round 39)."""
        for span in sentences_after(self.index, quotes):
            text = quotes[0].passage.text[slice(*span)]
            short = len(text.split()) <= _SHORT_SENTENCE  # or a count of what it names
            if (short or counts_before(text)) and holds_count(text):
                mended = with_sentence(self.index, quotes, span)
                if self._doubt(read, mended) is None:
                    return mended
        return None

    def _contact_further(
        self, read: str, terms: list[str], quotes: tuple[Quote, ...], ranked: Sequence[Hit]
    ) -> tuple[Quote, ...] | None:
        """`quotes` with the first sentence of the next passages (to `top_k`) that shares a
        term with the question and holds the phone number or email address it asks for
        ("call Thermaline customer support on 0800 915 4420", in a manual's warranty section
        after three troubleshooting passages saying "Contact customer support")."""
        wanted = set(terms)
        for hit in ranked[1 : self.policy.top_k]:
            sentences = zip(
                self.index.spans(hit.passage), self.index.sentence_terms(hit.passage), strict=True
            )
            for span, found in sentences:
                alone = (Quote(hit.passage.text[slice(*span)], hit.passage, hit.score),)
                holds = wanted & found and not _lacks_value(read, alone)
                if holds and self._doubt(read, (*quotes, *alone)) is None:
                    return (*quotes, *alone)
        return None

    def _quoted_whole(
        self, question: str, read: str, found: tuple[tuple[Passage, str], ...]
    ) -> Answer:
        """The answer found without ranking, each (passage, text) quoted as it is: who wrote
        the essays (their bylines, or their openings' sentences saying it), what they are
        about (their openings), or a part asked for by its number."""
        hits = tuple(
            Hit(passage, self.index.score(read, passage), rank)
            for rank, (passage, _) in enumerate(found, start=1)
        )
        quotes = tuple(
            self._linked(Quote(text, h.passage, h.score))
            for h, (_, text) in zip(hits, found, strict=True)
        )
        return Answer(question, Outcome.ANSWERED, quotes, hits, 1.0)

    def _linked(self, quote: Quote) -> Quote:
        """`quote` with a link to where its essay is published, if it says where."""
        document = self._published.get(quote.passage.id.partition("/")[0])
        if document is None:
            return quote
        if document.slug not in self._pages:  # the page's text, to check the link's start
            self._pages[document.slug] = "\n".join(
                paragraph for section in document.sections for paragraph in section.paragraphs
            )
        page = self._pages[document.slug]
        # code is on the page as its lines, without the fences around them
        text = "\n".join(code_lines(quote.text)) if is_code(quote.text) else quote.text
        return replace(quote, link=fragment_link(document.url, text, page))

    def _doubt(self, read: str, quotes: tuple[Quote, ...]) -> str | None:
        """Why quotes from a confident ranking still do not answer, if they do not."""
        if not quotes:
            return "only a section heading matched"
        # a table's header row names its columns, no one: "Item | Cost" over a row is no
        # maker's name for "What brand of solar panels ...?" (trial round 32)
        rows = tuple(q for q in quotes if not self.index.heads_table(q.passage))
        asked = asked_before(self.index, quotes[0].passage) if self.policy.context_words else None
        for switch, check in _CHECKS:
            checked = rows if switch in _NAMING_CHECKS else quotes
            if check is misses_numbers and asked is not None:  # its interview question's too
                check = partial(misses_numbers, asked=asked.text)
            if getattr(self.policy, switch) and (because := check(read, checked)):
                return because
        return None  # a name the essays never use was declined before (the cascade)

    def _declined(self, question: str, hits: tuple[Hit, ...], confidence: float) -> Answer:
        if hits:
            pairs = [(h.passage.document, h.passage.section) for h in hits]
        else:  # nothing near: the essays' sections, first of each essay first
            sections = [[(d.title, s.heading) for s in d.sections] for d in self.index.documents]
            pairs = [p for row in itertools.zip_longest(*sections) for p in row if p]
        pointers = tuple(dict.fromkeys(pairs))[: self.policy.pointers]
        return Answer(question, Outcome.NOT_COVERED, (), hits, confidence, pointers)

    def _rank(
        self,
        terms: list[str],
        found: Sequence[Hit],
        similarity_of: Callable[[Passage], float],
        weighed_similarity: Callable[[Passage], float],
    ) -> tuple[tuple[Hit, ...], tuple[Evidence, ...]]:
        """The answer's order of `found` and the evidence, when meaning decides: passages are
        re-ordered by their own `similarity_of` and weighed by `weighed_similarity` (re-ordered
        by it too, a question of S@1 was lost on dev 2, dev 4 and unseen each)."""
        # Confidence weighs the passages BM25 put first; meaning re-orders them (`reorder`),
        # but weighing the passages it pulls up answered more that the essays do not cover.
        weighed = self._weigh(terms, found, weighed_similarity)
        ranked = reorder(found, self.policy, similarity_of)
        if weighed:
            surest = max(weighed, key=lambda e: e.confidence)  # the first of equals
            passage = found[surest.rank - 1].passage
            first = self._weigh(terms, ranked[:1], weighed_similarity)[0]
            surer_by = surest.confidence - first.confidence
            ranked = lead(ranked, passage, surer_by, self.policy.lead_margin)
        return ranked, _reranked(weighed, found, ranked)

    def _typed_lead(self, read: str, terms: list[str], hit: Hit) -> bool:
        """Whether `hit` holds the value `read` asks for and, with its heading and context,
        every other term of the question (`Policy.typed_lead`)."""
        if not self.policy.typed_lead:
            return False
        heading = read_heading(hit.passage.section)
        if not holds_asked_value(read, f"{heading} {hit.passage.text}"):
            return False
        named = [t for t in terms if t not in _ASKING_A_VALUE]
        return bool(named) and coverages(self.index, named, [hit], self.policy)[0][0] == 1.0

    def _by_words(
        self, terms: list[str], found: Sequence[Hit], weighed: tuple[Hit, ...]
    ) -> tuple[tuple[Hit, ...], tuple[Evidence, ...]]:
        """The answer's order of `found` and the evidence of the `weighed` hits when the words
        decided: coverage alone; BM25's order, led by the passage covered best when it covers
        more than the first by `words_lead_covered` or more. An order BM25 did not make (an
        answer following its question, a part the question names) stands."""
        covered = coverages(self.index, terms, weighed, self.policy)
        evidence = tuple(
            Evidence(h.rank, c, None, c) for h, (c, _) in zip(weighed, covered, strict=True)
        )
        if not evidence or any(h.score > found[0].score for h in weighed):
            return tuple(found), evidence
        surest = max(evidence, key=lambda e: e.confidence)  # the first of equals
        passage = found[surest.rank - 1].passage
        surer_by = surest.confidence - evidence[0].confidence
        ranked = lead(found, passage, surer_by, self.policy.words_lead_covered)
        return ranked, _reranked(evidence, found, ranked)

    def _weigh(
        self, terms: list[str], hits: Sequence[Hit], similarity_of: Callable[[Passage], float]
    ) -> tuple[Evidence, ...]:
        """The evidence of the best `confidence_passages` hits.

        Confidence is a weighted mean of two views that fail differently: coverage (the
        words of the question a passage uses) and similarity (how close in meaning its
        nearest sentence is, which forgives a paraphrase such as "complaining" for
        "grievances").
        """
        weight = self.policy.coverage_weight
        weighed = hits[: self.policy.confidence_passages]
        evidence = []
        for hit, (coverage, _) in zip(
            weighed, coverages(self.index, terms, weighed, self.policy), strict=True
        ):
            similarity = similarity_of(hit.passage)
            confidence = weight * coverage + (1 - weight) * similarity
            evidence.append(Evidence(hit.rank, coverage, similarity, confidence))
        return tuple(evidence)


# Words asking for a value, not naming what it is of: "How much does the Tarsay 8 cost?"
_ASKING_A_VALUE = frozenset(
    analyze(
        "much many long old far often when time date day year cost costs price fee charge pay "
        "paid spend spent worth value amount number total tall high wide deep heavy big loud "
        "fast thick"
    )
)


def _lacks_value(read: str, quotes: Sequence[Quote]) -> bool:
    """Whether `quotes` lack the time, amount or sum of money the question asks for (not a
    count: a sentence of the passage holding some count answered what the essays do not say,
    "How many people died ...?" with "hundreds of millions of people")."""
    if asks_how_many(read):
        return False
    return any(check(read, quotes) for check in (lacks_time_or_amount, lacks_money))


def _value_led(
    index: PassageIndex, read: str, quotes: tuple[Quote, ...]
) -> tuple[Quote, ...] | None:
    """`quotes` led by those of the first passage holding the time, amount, sum of money or
    count (of what is counted) `read` asks for, when the first passage's do not (None when
    none moves; nor when they quote a table, whose header stays before its rows)."""

    def of(passage_id: str) -> list[Quote]:
        return [quote for quote in quotes if quote.passage.id == passage_id]

    def lacks(passage_id: str) -> bool:
        return _lacks_value(read, of(passage_id)) or lacks_counted(read, of(passage_id)) is not None

    def inexact(passage_id: str) -> bool:  # a figure, but not the date or span asked for
        return not any(holds_exact_value(read, quote.text) for quote in of(passage_id))

    first = quotes[0].passage.id
    if any(index.heads_table(q.passage) for q in quotes):
        return None
    if lacks(first):
        wanting = lacks
    elif holds_exact_value(read, quotes[0].text) is not None and inexact(first):
        wanting = inexact
    else:
        return None
    for passage_id in dict.fromkeys(quote.passage.id for quote in quotes):
        if passage_id != first and not wanting(passage_id):
            return (*of(passage_id), *(q for q in quotes if q.passage.id != passage_id))
    return None


def _led_by(
    passage: Passage, ranked: Sequence[Hit], evidence: tuple[Evidence, ...]
) -> tuple[tuple[Hit, ...], tuple[Evidence, ...]]:
    """`ranked` led by `passage`, and `evidence` with the ranks its passages then have."""
    first = [hit for hit in ranked if hit.passage.id == passage.id]
    moved = tuple(
        replace(hit, rank=rank)
        for rank, hit in enumerate([*first, *(h for h in ranked if h.passage.id != passage.id)], 1)
    )
    return moved, _reranked(evidence, ranked, moved)


def _led(
    moved: tuple[Hit, ...], ranked: Sequence[Hit], evidence: tuple[Evidence, ...]
) -> tuple[tuple[Hit, ...], tuple[Evidence, ...]]:
    """`moved`, `ranked` led by another passage (`to_sibling`, `to_definition`), and
    `evidence` with the ranks its passages then have."""
    if moved == tuple(ranked):  # most questions move nothing
        return moved, evidence
    return moved, _reranked(evidence, ranked, moved)


def _without(hits: Sequence[Hit], ids: frozenset[str]) -> Sequence[Hit]:
    """`hits` but those of passages in `ids`, ranked again from 1."""
    if not any(hit.passage.id in ids for hit in hits):
        return hits
    kept = (hit for hit in hits if hit.passage.id not in ids)
    return [replace(hit, rank=rank) for rank, hit in enumerate(kept, start=1)]


def _reranked(
    evidence: tuple[Evidence, ...], weighed: Sequence[Hit], ranked: Sequence[Hit]
) -> tuple[Evidence, ...]:
    """`evidence` of passages ranked as in `weighed`, with their ranks in `ranked` instead,
    in that order."""
    rank_of = {hit.passage.id: hit.rank for hit in ranked}
    moved = [replace(e, rank=rank_of[weighed[e.rank - 1].passage.id]) for e in evidence]
    return tuple(sorted(moved, key=lambda e: e.rank))
