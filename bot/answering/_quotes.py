"""Quote selection: which sentences of which ranked passages are quoted, verbatim."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence

from bot.answering._cascade import asked_before
from bot.answering._checks import ASKS_WHY, ASKS_YES_OR_NO, MONTHS, question_names
from bot.answering._policy import Policy
from bot.answering._ranking import answered_on, asks
from bot.answering._values import Quote
from index import Hit, Passage, PassageIndex, analyze, is_code, is_email_header
from index.documents import own_heading
from index.patterns import lazy

__all__ = [
    "of_the_named",
    "section_fields",
    "select_quotes",
    "unquoted_sentences",
    "with_next_sentence",
    "with_reply",
    "with_sentence",
    "with_uncovered",
]

Span = tuple[int, int]

# A list under its heading, quoted whole: at most this many items of at most so many words.
_LIST_ITEMS = 12
_ITEM_WORDS = 15
# A sentence opening another point of a list ("Third, Russia and Belarus are neighbours")
# goes on to something else than the sentence before it.
_NEXT_POINT = lazy(
    r"[\"'“‘(]*(first|second|third|fourth|fifth|sixth|finally|lastly|next|also|moreover|"
    r"furthermore|besides|in addition|on the other hand)\b",
    re.IGNORECASE,
)
# A first quote of one sentence this short, or shorter, is a lead-in to the next sentence.
_LEAD_IN_WORDS = 12
# A labelled field of a few words: "Owner: Aisha Mensah.", "Status: done on 25 March."
_FIELD = lazy(r"[A-Z][\w-]*(?: [\w-]+)?: [^.!?]{1,60}[.!]?$")

# "It seems", "it appears that" stand for nothing ("It appears gradually" does).
_IMPERSONAL = r"(would )?(seems?\b|appears?(\s+(that|to|as|likely|unlikely)\b|,))"

# A sentence opening with a pronoun ("It bought the rolling stock"), or with one after a
# preposition and a word ("At Kessingford these mounds ..."), is quoted with the sentence
# before it, which says what the pronoun stands for ("The Austrian railway ÖBB ...").
_NEEDS_ANTECEDENT = lazy(
    r"[\"'“‘(]*((but|and|yet|so),? )?((at|in|on|by|for|from|with|of|after|before|during) "
    r"[\w-]+,? )?(it|its|they|their|them|this|these|those|he|his|she|her|such)\b"
    rf"(?! {_IMPERSONAL})",
    re.IGNORECASE,
)

# A sentence opening with a personal pronoun ("It is skimmed by hand") most often goes on
# about what the sentence before it names; "This model" may point further back.
_CONTINUES = lazy(
    rf"[\"'“‘(]*((but|and|yet|so),? )?(it|they|he|she)\b(?! {_IMPERSONAL})",
    re.IGNORECASE,
)


# A courtesy and nothing else, a speaker's label before it: "Good morning, Doctor.", "Go
# ahead, Geraint.", "Thank you, Bethan.", "NASREEN: Good morning." (trial round 39: quoted
# for "What does the doctor say ...?" in place of what she said).
_COURTESY = lazy(
    r"([A-Z][\w .'’-]{0,30}:\s+)?(?i:(good\s+)?(morning|afternoon|evening)|hi|hello|hey|"
    r"welcome(\s+back)?|thanks|thank\s+you|go\s+ahead|cheers|bye|goodbye)"
    r"(,?\s+([A-Z][\w'’.-]*|(?i:doctor|everyone|all|both|again|there|so\s+much)))*[.!]"
)


def select_quotes(
    index: PassageIndex,
    policy: Policy,
    terms: Sequence[str],
    hits: Sequence[Hit],
    similarity_of: Callable[[Passage], float] | None,
    sentence_similarity: Callable[[str], float] | None = None,
) -> tuple[Quote, ...]:
    """Quotes from the best of `hits` for a question of `terms`, each sentence quoted once.

    Further passages than the best are quoted when close to it by score or closer in meaning
    (`similarity_of`; None when meaning was not weighed: by score alone), those of another
    essay only when closer in meaning (`policy.other_essays_nearer`); a repeated sentence is
    quoted from its home (`PassageIndex.home`). The best passage's sentence nearest in
    meaning (`sentence_similarity`, one sentence's to the question) is quoted with those its
    words chose (`policy.quote_nearest`).
    """
    wanted = set(terms)
    best = hits[0].score
    if similarity_of is not None:
        nearest = similarity_of(hits[0].passage) + policy.closer_in_meaning
    # passage id -> (passage, sentence spans), in rank order
    chosen: dict[str, tuple[Passage, set[Span]]] = {}
    for i, hit in enumerate(hits[: policy.max_passages]):
        # The first is always quoted; a followed answer may share no word (score 0), and
        # then no other passage is close to it by score.
        close = i == 0 or (best > 0 and hit.score >= policy.close_ratio * best)
        nearer = similarity_of is not None and similarity_of(hit.passage) >= nearest
        if not (close or nearer):
            continue
        if policy.other_essays_nearer and not nearer and _essay(hit) != _essay(hits[0]):
            continue
        spans_found = _best_sentences(index, policy, hit.passage, wanted)
        if i == 0 and not spans_found:  # an answer followed from its question: its opening
            spans_found = list(index.spans(hit.passage)[: policy.followed_sentences])
        if i == 0 and index.speaker_end(hit.passage):  # "ANWEN: Tegan Moyle.": who speaks,
            opening = index.spans(hit.passage)[0]  # and often the answer
            spans_found += [] if opening in spans_found else [opening]
        if i == 0 and policy.quote_nearest and sentence_similarity is not None:
            closest = _nearest_sentence(hit.passage, index.spans(hit.passage), sentence_similarity)
            spans_found += [] if closest in spans_found else [closest]
        for start, end in spans_found:
            # A repeated sentence maps to one place, so the set quotes it once.
            home, start, end = index.home(hit.passage, start, end)
            spans = chosen.setdefault(home.id, (home, set()))[1]
            spans.add((start, end))
            # ... and so is the sentence a pronoun needs, unless its copy lives elsewhere
            before = _antecedent(home.text, index.spans(home), start)
            if before and index.home(home, *before) == (home, *before):
                spans.add(before)
        if i == 0 and policy.quote_answer_parts:  # "Cause: ..." goes on in "Fix: ..."
            for part in answered_on(index, hit.passage):
                chosen.setdefault(part.id, (part, set()))[1].update(index.spans(part))
        if i == 0 and policy.quote_lists and hit.passage.text.rstrip().endswith(":"):
            _add_what_follows(index, policy, hit.passage, chosen)
        elif i == 0 and policy.quote_lists and (items := _listed(index, wanted, hit.passage)):
            listed = {item.id: (item, set(index.spans(item))) for item in items}
            chosen = listed | {key: value for key, value in chosen.items() if key not in listed}
    if policy.quote_gaps:  # "In France, Louis Vicat took the next step." ... "Vicat's work
        for passage, spans in chosen.values():  # gave ...": the sentence between too
            spans.update(_gaps(index.spans(passage), spans))
    scores = {hit.passage.id: hit.score for hit in hits}
    quotes: list[Quote] = []
    for passage, spans in _with_code(index, _with_table_headers(index, list(chosen.values()))):
        score = scores.get(passage.id)
        if score is None:
            score = index.score_terms(terms, passage)
        heads = index.heads_table(passage)
        quotes.extend(
            Quote(text, passage, score, heads_table=heads) for text in _runs(passage.text, spans)
        )
    return tuple(quotes)


def of_the_named(index: PassageIndex, question: str, quotes: Sequence[Quote]) -> tuple[Quote, ...]:
    """`quotes` less those of other sections than the first's that do not name what the
    question names and the first quote's passage does (in its text, heading or essay's
    title): "What's the hydrostatic head of the Kestrel's groundsheet?" is answered by the
    Kestrel's spec line, not followed by two other tents' bare ones (trial round 22)."""
    if len(quotes) < 2:
        return tuple(quotes)
    lead = quotes[0].passage

    def names(passage: Passage, name: str) -> bool:
        terms = set(index.terms(name))
        return bool(terms) and terms <= index.indexed_terms(passage) | index.title_terms(
            passage.document
        )

    named = [name for name in question_names(question) if names(lead, name)]
    return tuple(
        quote
        for quote in quotes
        if (quote.passage.document, quote.passage.section) == (lead.document, lead.section)
        or all(names(quote.passage, name) for name in named)
    )


def _gaps(spans: Sequence[Span], quoted: set[Span]) -> list[Span]:
    """The sentences of `spans` that are not `quoted` but lie between two that are."""
    return [
        span
        for before, span, after in zip(spans, spans[1:], spans[2:], strict=False)
        if span not in quoted and before in quoted and after in quoted
    ]


def _nearest_sentence(
    passage: Passage, spans: Sequence[Span], similarity: Callable[[str], float]
) -> Span:
    """The span of `passage`'s sentence nearest in meaning to the question (the first of equals)."""
    return max(spans, key=lambda span: similarity(passage.text[span[0] : span[1]]))


# Words asking how much or how many, not of what: a sentence sharing only these with the
# question does not answer it.
_ASKING = frozenset({"much", "mani", "old", "long", "far", "often"})


def unquoted_sentences(
    index: PassageIndex, terms: Sequence[str] | None, quotes: Sequence[Quote]
) -> list[Span]:
    """The sentences of the first quote's passage that no quote holds and that share a term
    with the question of `terms` (besides "much", "many" ...; any, when None), in text
    order."""
    passage, wanted = quotes[0].passage, set(terms or ()) - _ASKING
    quoted = _quoted_spans(index, passage, quotes)
    return [
        span
        for span, found in zip(index.spans(passage), index.sentence_terms(passage), strict=True)
        if span not in quoted and (terms is None or wanted & found)
    ]


def with_uncovered(
    index: PassageIndex, terms: Sequence[str], quotes: Sequence[Quote], most: int
) -> tuple[Quote, ...]:
    """`quotes` with up to `most` sentences of their first passage, each holding a word of
    the question (of `terms`) that neither the sentences quoted from it nor its heading
    hold, the rarest words first: "Will I be paid during jury service?" quoted "8.4.1 If you
    are called for jury service, tell your manager ..." without "The company will continue
    to pay your normal salary" (trial round 36)."""
    if not quotes:
        return tuple(quotes)
    passage = quotes[0].passage
    wanted = set(terms) - _ASKING
    quoted = _quoted_spans(index, passage, quotes)
    sentences = list(zip(index.spans(passage), index.sentence_terms(passage), strict=True))
    held = set(index.terms(passage.section)).union(*(f for s, f in sentences if s in quoted))
    found = list(quotes)
    for _ in range(most):
        weights = [(sum(map(index.idf, (f & wanted) - held)), s, f) for s, f in sentences]
        weight, span, terms_of = max(weights, key=lambda w: w[0], default=(0.0, (0, 0), set()))
        if weight <= 0:
            break
        found = list(with_sentence(index, found, span))
        held |= terms_of
    return tuple(found)


def sentences_after(index: PassageIndex, quotes: Sequence[Quote]) -> list[Span]:
    """The sentences of the first quote's passage right after a quoted one, not quoted
    themselves, in text order."""
    passage = quotes[0].passage
    quoted = _quoted_spans(index, passage, quotes)
    return [
        after
        for span, after in itertools.pairwise(index.spans(passage))
        if span in quoted and after not in quoted
    ]


def with_sentence(index: PassageIndex, quotes: Sequence[Quote], span: Span) -> tuple[Quote, ...]:
    """`quotes` with the sentence at `span` of the first quote's passage quoted too, in that
    passage's runs (joined to an adjacent quoted sentence), where its first quote stood."""
    passage = quotes[0].passage
    spans = _quoted_spans(index, passage, quotes) | {span}
    runs = [Quote(text, passage, quotes[0].score) for text in _runs(passage.text, spans)]
    others = [quote for quote in quotes if quote.passage.id != passage.id]
    return (*runs, *others)


def with_fields(index: PassageIndex, quotes: Sequence[Quote]) -> tuple[Quote, ...]:
    """`quotes` with the labelled fields right after each quoted sentence: an action's
    "Owner: Aisha Mensah." and "Status: done on 25 March." after "Move the client certificate
    into cert-manager." (trial round 15: who owned an action was declined, its owner never
    quoted). A passage's quotes stay where its first one stood."""

    def fields(passage: Passage, quoted: set[Span]) -> set[Span]:
        found: set[Span] = set()
        for span, after in itertools.pairwise(index.spans(passage)):
            field = _FIELD.match(passage.text[slice(*after)])
            if field and (span in quoted or span in found) and after not in quoted:
                found.add(after)
        return found

    return _widened(index, quotes, fields)


def _widened(
    index: PassageIndex, quotes: Sequence[Quote], more: Callable[[Passage, set[Span]], set[Span]]
) -> tuple[Quote, ...]:
    """`quotes` with the sentences `more` adds to each passage's quoted ones, in that
    passage's runs, where its first quote stood."""
    found: list[Quote] = []
    for passage_id in dict.fromkeys(quote.passage.id for quote in quotes):
        mine = [quote for quote in quotes if quote.passage.id == passage_id]
        passage = mine[0].passage
        quoted = _quoted_spans(index, passage, mine)
        added = more(passage, quoted)
        if not added:
            found += mine
            continue
        runs = _runs(passage.text, quoted | added)
        found += [Quote(text, passage, mine[0].score) for text in runs]
    return tuple(found)


# A sentence that only labels the one after it: an entry's number ("No. 426.", "1."), a
# time ("1400.") or a date ("6 December 1840."), one after another.
_MONTH = rf"(?:{MONTHS}|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)"
_LABEL_PART = (
    rf"(?:(?:no\.?\s*|#)?\d[\d,:/-]*\.?|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}\.?,?\s+\d{{4}}\.?)"
)
_LABEL = lazy(rf"{_LABEL_PART}(?:\s+{_LABEL_PART})*", re.IGNORECASE)


def with_labels(index: PassageIndex, quotes: Sequence[Quote]) -> tuple[Quote, ...]:
    """`quotes` with the sentences right before a quoted one that only label it, as a
    register's entries or a log's lines open ("No. 426. 6 December 1840." before "Susan,
    daughter of ..."; trial round 30: the entries had been quoted without their dates, and
    "When was Susan Pascoe baptised?" declined as no quote holding a time). Labels stay
    sentences of their own, so a sentence's meaning is read without them."""

    def labels(passage: Passage, quoted: set[Span]) -> set[Span]:
        found: set[Span] = set()
        spans = index.spans(passage)
        for position, span in enumerate(spans):
            before = position - 1
            while (
                span in quoted
                and before >= 0
                and spans[before] not in quoted
                and _LABEL.fullmatch(passage.text[slice(*spans[before])])
            ):
                found.add(spans[before])
                before -= 1
        return found

    return _widened(index, quotes, labels)


def section_fields(index: PassageIndex, passage: Passage) -> tuple[Passage, ...]:
    """The passages of `passage`'s section that are a labelled field each, as a catalogue's
    object ("Artist: Edith Marrable", "Date: 1791") or a record lays its facts out; not an
    email's header, which tells of the message, not of what it says ("Date: Mon, 3 Mar 2025
    11:03" had answered "Who are the soloists?", trial round 24); nor a transcript's turn, nor
    a passage that says nothing ("INTERVIEWER: Maureen Tallis and Desmond Keverne, thank you
    both very much." had led the answer to "which hotel in Falmouth did the girls go to work
    at": trial round 42)."""
    return tuple(
        other
        for other in index.passages_of(passage.document, passage.section)
        if other.id != passage.id
        and _FIELD.match(other.text)
        and not is_email_header(other.text)
        and not index.speaker(other)
        and not index.says_nothing(other)
    )


def with_next_sentence(index: PassageIndex, quotes: Sequence[Quote]) -> tuple[Quote, ...]:
    """`quotes` with the sentence after theirs, when they are one sentence alone and another
    follows it in its passage: a lead-in ("Carrick Bay took a different approach.") is read
    with what it leads into. So is a first quote of one short sentence (`_LEAD_IN_WORDS`)
    before others."""
    if not quotes:
        return tuple(quotes)
    passage = quotes[0].passage
    spans = index.spans(passage)
    quoted = {
        span
        for span in _quoted_spans(index, passage, quotes)
        if not _LABEL.fullmatch(passage.text[slice(*span)])  # "12." before it: no sentence
    }
    if len(quoted) != 1:
        return tuple(quotes)
    (alone,) = quoted
    if len(quotes) > 1 and len(passage.text[slice(*alone)].split()) > _LEAD_IN_WORDS:
        return tuple(quotes)
    after = spans.index(alone) + 1
    if after == len(spans) or _NEXT_POINT.match(quotes[0].passage.text, spans[after][0]):
        return tuple(quotes)
    if _COURTESY.fullmatch(passage.text, *spans[after]):  # it leads into no "Go ahead, Geraint."
        return tuple(quotes)
    return with_sentence(index, quotes, spans[after])


# "Which hospital ...", "what colour ...", "what kind of lamp ...": the noun asked for, whose
# answer names one. Not "what is", "which of", "what time" (a time is no word of its answer).
_ASKED_NOUN = lazy(
    r"\W*(?:which|what)\s+(?:(?:kind|type|sort|make|brand)\s+of\s+(?:an?\s+)?)?"
    r"(?P<noun>[a-z][a-z-]{2,})\b",
    re.IGNORECASE,
)
_NOT_ASKED_NOUNS = frozenset(
    "is was are were does did do has have had will would can could should may might must "
    "the this that these those its his her their our your my of about else time day date "
    "year month happens happened".split()
)
_NOT_ASKED_TERMS = frozenset(analyze(" ".join(_NOT_ASKED_NOUNS)))  # "days": day


def with_asked_noun(
    index: PassageIndex, question: str, quotes: Sequence[Quote]
) -> tuple[Quote, ...]:
    """`quotes` with the first sentence of the first passage, not quoted, that names the
    noun a which or what question asks for, when no quote does (trial round 29: "Which
    hospital was the man with chest pain taken to?" quoted his collapse and the doctor's
    arrival, not "He was flown to Raigmore Hospital by Rescue 948.")."""
    asked = _ASKED_NOUN.match(question)
    if not quotes or asked is None or asked["noun"].lower() in _NOT_ASKED_NOUNS:
        return tuple(quotes)
    noun = frozenset(analyze(asked["noun"]))
    if not noun or noun & _NOT_ASKED_TERMS or any(noun & set(analyze(q.text)) for q in quotes):
        return tuple(quotes)
    passage = quotes[0].passage
    quoted = _quoted_spans(index, passage, quotes)
    sentences = zip(index.spans(passage), index.sentence_terms(passage), strict=True)
    for span, terms in sentences:
        if span not in quoted and noun <= terms:
            return with_sentence(index, quotes, span)
    return tuple(quotes)


# The words that give a reason.
_REASON = lazy(
    r"\b(because|due to|owing to|thanks to|as a result|so that|in order to|since|caused by|"
    r"the reason|reasons?)\b",
    re.IGNORECASE,
)


def with_reason(index: PassageIndex, question: str, quotes: Sequence[Quote]) -> tuple[Quote, ...]:
    """`quotes` for a why `question` with the sentence after the first passage's last quoted
    one, when no quote gives a reason (trial round 19: "Why is there no work on 5 and 6
    April?" quoted "Trains run as normal." and not the next sentence's "because of the
    Cresswater Half Marathon"), whether or not that sentence says "because" (round 34: "...
    by £730 to collect tax on your private medical insurance")."""
    if not quotes or not ASKS_WHY.match(question):
        return tuple(quotes)
    if any(_REASON.search(quote.text) for quote in quotes):
        return tuple(quotes)
    passage = quotes[0].passage
    spans = index.spans(passage)
    quoted = _quoted_spans(index, passage, quotes)
    if not quoted:
        return tuple(quotes)
    after = spans.index(max(quoted)) + 1
    if after < len(spans):
        return with_sentence(index, quotes, spans[after])
    # ... or, ending the passage, with the sentence before them: a cause told before what it
    # caused ("Dry rot had been found ... could not afford to treat it. In 1979 the committee
    # voted to close the Institute": trial round 37)
    before = spans.index(min(quoted)) - 1
    return with_sentence(index, quotes, spans[before]) if before >= 0 else tuple(quotes)


# A passage's opening sentence that answers a yes-or-no question ("Yes, since version 1.4.",
# "Not yet.").
_REPLY = lazy(
    r"[\"'“‘(*_]*(yes|no|not yet|not currently|not at the moment|sadly not|sadly, no|"
    r"unfortunately not|unfortunately, no)\b[,.!;:—–-]",
    re.IGNORECASE,
)


def with_reply(
    index: PassageIndex, question: str, terms: Sequence[str], quotes: tuple[Quote, ...]
) -> tuple[Quote, ...]:
    """`quotes` for a `question` (of `terms`) asking yes or no, with the first quote's
    passage's opening sentence when it says yes or no, is not quoted, and replies to the
    question asked: the passage answers a question (its heading's, an FAQ's, or an
    interviewer's before it) holding at least half of the terms of this one. "Does it
    work on Windows?" is answered by "Yes, since version 1.4.", whose words it shares none
    of, under "Does logsnip work on Windows?"; "Does --color work in the old console?" is
    not, by the same "Yes"."""
    if not ASKS_YES_OR_NO.match(question):
        return quotes
    passage = quotes[0].passage
    opening = index.spans(passage)[0]
    said = passage.text[slice(*opening)]
    if not _REPLY.match(said) or any(said in quote.text for quote in quotes):
        return quotes
    asked = asked_before(index, passage)
    replied = set(index.terms(own_heading(passage.section)))
    replied |= index.indexed_terms(asked) if asked is not None else frozenset()
    if 2 * len(replied.intersection(terms)) < len(set(terms)):
        return quotes
    return with_sentence(index, quotes, opening)


_BARE_REPLY_WORDS = 3  # "No.", "Yes, gas.", "Not yet.": a reply that says little alone


def with_asked(index: PassageIndex, quotes: tuple[Quote, ...]) -> tuple[Quote, ...]:
    """`quotes` with the question a bare reply among them answers, before it, when a passage
    before it in its section asks one and is not quoted: a form's "No." alone had read as
    the answer to whatever was asked (trial round 33: "are there any disputes with the
    neighbours" → "No.", whose question was "Are the sellers aware of anything that might
    lead to a dispute?")."""
    quoted = {quote.passage.id for quote in quotes}
    found: list[Quote] = []
    for quote in quotes:
        passage = quote.passage
        bare = len(passage.text.split()) <= _BARE_REPLY_WORDS and _REPLY.match(passage.text)
        asked = asked_before(index, passage) if bare else None
        if asked is not None and asked.id not in quoted and asked.section == passage.section:
            found.append(Quote(asked.text, asked, quote.score))
            quoted.add(asked.id)
        found.append(quote)
    return tuple(found)


def _quoted_spans(index: PassageIndex, passage: Passage, quotes: Sequence[Quote]) -> set[Span]:
    """The sentence spans of `passage` that `quotes` hold."""
    runs = []
    for quote in quotes:
        if quote.passage.id == passage.id and (start := passage.text.find(quote.text)) >= 0:
            runs.append((start, start + len(quote.text)))
    return {(a, b) for a, b in index.spans(passage) if any(s <= a and b <= e for s, e in runs)}


def _add_what_follows(
    index: PassageIndex,
    policy: Policy,
    passage: Passage,
    chosen: dict[str, tuple[Passage, set[Span]]],
) -> None:
    """The passages after one that ends with a colon, whole, up to `max_sentences`, or to
    `_LIST_ITEMS` while they are a list's items (of up to `_ITEM_WORDS` words): "Surplus
    money is divided three ways:" says nothing without the list it opens, and "The final
    house points were announced:" nothing of who came last without its fourth line (trial
    round 13)."""
    if index.spans(passage)[-1] not in chosen.get(passage.id, (passage, set()))[1]:
        return  # its closing sentence, the one with the colon, is not quoted
    after = index.following(passage)
    for count in range(_LIST_ITEMS):
        if after is None:
            return
        if count >= policy.max_sentences and len(after.text.split()) > _ITEM_WORDS:
            return
        chosen.setdefault(after.id, (after, set()))[1].update(index.spans(after))
        after = index.following(after)


def _listed(index: PassageIndex, wanted: set[str], passage: Passage) -> tuple[Passage, ...]:
    """The items of the list `passage` is one of, when the question names its heading
    ("What ingredients do I need for the banana bread?" of "Banana Bread > Ingredients"):
    a section of `_LIST_ITEMS` short paragraphs or fewer, two or more, each of up to
    `_ITEM_WORDS` words. An item alone ("3 very ripe bananas") is no answer."""
    items = index.passages_of(passage.document, passage.section)
    if not 2 <= len(items) <= _LIST_ITEMS or any(
        len(item.text.split()) > _ITEM_WORDS
        # a table's row answers for itself, and so does a turn of an interview or a talk
        or index.table_header(item)
        or index.heads_table(item)
        or asks(index, item)
        or index.speaker_end(item)
        for item in items
    ):
        return ()
    # named by its heading's first or last word, what it lists ("Ingredients" of a recipe,
    # "Kit list", "Witness statement of Hazel Okonjo-Reid"): "Kettleby glass: a timeline" is
    # not asked for by "Can I buy Dunmere Crystal glasses online?" (trial round 36: all
    # twelve dates had been quoted)
    heading = index.terms(own_heading(passage.section))
    return items if heading and {heading[0], heading[-1]} & wanted else ()


def _essay(hit: Hit) -> str:
    return hit.passage.id.partition("/")[0]  # its essay's slug


def _with_table_headers(
    index: PassageIndex, chosen: list[tuple[Passage, set[Span]]]
) -> list[tuple[Passage, set[Span]]]:
    """`chosen` with a table's header row, whole, before the first of its body rows quoted:
    "Stormhaven 3 | 2.9 kg | £410" says little without "Tent | Weight | Price"."""
    own = {passage.id: spans for passage, spans in chosen}
    found: dict[str, tuple[Passage, set[Span]]] = {}
    for passage, spans in chosen:
        header = index.table_header(passage)
        if header is not None and header.id not in found:
            found[header.id] = (header, own.get(header.id, set()) | set(index.spans(header)))
        found.setdefault(passage.id, (passage, spans))
    return list(found.values())


def _with_code(
    index: PassageIndex, chosen: list[tuple[Passage, set[Span]]]
) -> list[tuple[Passage, set[Span]]]:
    """`chosen` with fenced code and the sentence introducing it kept together: a code block
    quoted after the last sentence of the paragraph before it ("Install it with pip:"), and
    the code block after a paragraph whose last sentence is quoted."""
    own = {passage.id: spans for passage, spans in chosen}
    found: dict[str, tuple[Passage, set[Span]]] = {}
    for passage, spans in chosen:
        before = index.preceding(passage) if is_code(passage.text) else None
        if before is not None and not is_code(before.text):
            entry = found.setdefault(before.id, (before, set(own.get(before.id, set()))))
            entry[1].add(index.spans(before)[-1])
        found.setdefault(passage.id, (passage, spans))
        after = None if is_code(passage.text) else index.following(passage)
        if after is not None and is_code(after.text) and index.spans(passage)[-1] in spans:
            found.setdefault(after.id, (after, set(index.spans(after))))
    return list(found.values())


def _best_sentences(
    index: PassageIndex, policy: Policy, passage: Passage, terms: set[str]
) -> list[Span]:
    """Spans of the sentences of `passage` that best match `terms`: the best, then more while
    they and the sentences before those opening with a pronoun (quoted too) number at most
    `max_sentences`, then the sentence after one of them that opens with a pronoun, while
    they do; and the sentence after one that only restates the question."""
    text, spans, found = passage.text, index.spans(passage), index.sentence_terms(passage)
    scored = [
        (sum(index.idf(t) for t in terms & kept), start, end)
        for kept, (start, end) in zip(found, spans, strict=True)
    ]
    courtesies = {(a, b) for _, a, b in scored if _COURTESY.fullmatch(text, a, b)}
    if any(weight > 0 and (a, b) not in courtesies for weight, a, b in scored):
        scored = [(0.0 if (a, b) in courtesies else weight, a, b) for weight, a, b in scored]
    top = max((weight for weight, _, _ in scored), default=0.0)
    ranked = sorted(s for s in scored if s[0] > 0 and s[0] >= policy.sentence_ratio * top)
    ranked.sort(key=lambda s: -s[0])  # stable: equal weights stay in text order
    best: list[Span] = []
    quoted = 0  # sentences, counting the ones before those that open with a pronoun
    for _, start, end in ranked:
        before = _antecedent(text, spans, start)
        cost = 1 + (before is not None and before not in best)
        if not best or quoted + cost <= policy.max_sentences:  # the best, whatever it costs
            best.append((start, end))
            quoted += cost
    if policy.quote_continuations:  # "It is skimmed by hand": what the quote names, continued
        for span, after in itertools.pairwise(spans):
            wanted = span in best and after not in best and quoted < policy.max_sentences
            if wanted and _CONTINUES.match(text, after[0]):
                best.append(after)
                quoted += 1
    if policy.quote_past_echoes:  # a sentence only restating the question: the next too
        for i, span in enumerate(spans[:-1]):
            # "A: Not enough." answers; "They sold well." points back (for "What sold well?")
            echo = len(found[i]) >= 2 and found[i] <= terms
            echo = echo and not _NEEDS_ANTECEDENT.match(text, span[0])
            # and the answer to a question the essay asks itself ("Does this mean I am
            # against cars?" then "No. I own one.")
            asked = _ASKED.search(text, span[0], span[1]) is not None
            if span in best and (echo or asked) and spans[i + 1] not in best:
                best.append(spans[i + 1])
    for i, span in enumerate(spans):  # a quotation closed is quoted from its opening
        if span in best and _closes_quotation(text[span[0] : span[1]]):
            opening = next(
                (
                    j
                    for j in range(i - 1, max(i - 1 - _QUOTATION_SENTENCES, -1), -1)
                    if _opens_curly(text[spans[j][0] : spans[j][1]])
                ),
                None,
            )
            if opening is not None:
                best.extend(s for s in spans[opening:i] if s not in best)
    i = 0
    while i < len(spans):  # a quotation opened is quoted to its close
        if spans[i] in best and _opens_quotation(text[spans[i][0] : spans[i][1]]):
            for after in spans[i + 1 : i + 1 + _QUOTATION_SENTENCES]:
                i += 1  # a closing sentence opens nothing
                if after not in best:
                    best.append(after)
                if _opens_quotation(text[after[0] : after[1]], closing=True):
                    break
        i += 1
    return best


# A sentence ending with a question mark (before closing quotes or brackets).
_ASKED = lazy(r"\?[\"'”’)\]]*\s*$")

# Sentences after one that opens a quotation quoted to close it, at most (most close in one).
_QUOTATION_SENTENCES = 3


def _opens_quotation(sentence: str, *, closing: bool = False) -> bool:
    """Whether `sentence` opens a quotation or a bracket it does not close ("Fátima once
    said, “We were not artists.", "[End of recording."), or, with `closing`, closes one it
    did not open."""
    curly, bracket = _closed(sentence)
    closes = curly > 0 or bracket > 0
    return (closes if closing else curly < 0 or bracket < 0) or sentence.count('"') % 2 == 1


def _closes_quotation(sentence: str) -> bool:
    """Whether `sentence` closes a curly quotation or a bracket it did not open ("But I can't
    stand it.”", "Duration 1 hour 12 minutes.]")."""
    return max(_closed(sentence)) > 0


def _opens_curly(sentence: str) -> bool:
    """Whether `sentence` opens a curly quotation or a bracket it does not close ("“I don't
    need it.", "[End of recording.")."""
    return min(_closed(sentence)) < 0


def _closed(sentence: str) -> tuple[int, int]:
    """How many more curly quotations, and brackets, `sentence` closes than it opens (trial
    round 42: "how long is the recording" was answered "[End of recording.", without
    "Duration 1 hour 12 minutes.]")."""
    curly = sentence.count("”") - sentence.count("“")
    bracket = sum(map(sentence.count, ")]")) - sum(map(sentence.count, "(["))
    return curly, bracket


def _antecedent(text: str, spans: Sequence[Span], start: int) -> Span | None:
    """The span of the sentence before the one at `start` of `text` (split into `spans`), if
    that one opens with a pronoun and is not the first."""
    if not _NEEDS_ANTECEDENT.match(text, start):
        return None
    i = next((i for i, (s, _) in enumerate(spans) if s == start), 0)
    return spans[i - 1] if i else None


def _runs(text: str, spans: set[Span]) -> list[str]:
    """Merge chosen sentence spans that are adjacent in `text` into verbatim runs."""
    runs: list[list[int]] = []
    for start, end in sorted(spans):
        if runs and not text[runs[-1][1] : start].strip():
            runs[-1][1] = end
        else:
            runs.append([start, end])
    return [text[start:end] for start, end in runs]
