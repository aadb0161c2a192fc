"""The essay as a whole: what it is about (its opening), and when, where and with whom it
took place (the fields opening it), quoted for a question asking so.

"What is this essay about?" and "Summarise the article" share no word with any passage that
answers them, and no sentence is near them in meaning, so they were declined. An essay's
summary section ("Abstract", "Summary", "Overview", ...), or else its first paragraph of
prose, says what it is about in its own words: its first two sentences are quoted, for the
essays whose titles the question names, or for every essay when it names none (at most
`max_passages`). A byline, a date, a line of fields ("Date: 14 March 2025") or a table row
is no opening.

Minutes, notices and letters open with fields saying when and where they took place and who
was there ("Date: 14 March 2025", "Location: Community Hall", "Present: R. Okafor (Chair),
..."). "When was the meeting?" of "Allotment Society Committee Meeting: Minutes" shares only
the title's word with them, and had been answered with "The minutes of the meeting on 10
February were approved": a question asking when, where, who attended, chaired or was absent,
naming nothing but its essays' titles' words ("the meeting"), is answered with that field of
the essays' openings (the first `_FIELDS` paragraphs of their first section) when one is
there; else, asking when or where and naming a word of a title, with the first sentence of
that essay's opening (or summary) holding a time or naming a place ("The annual general
meeting ... was held on Thursday 14 March 2024 in the upstairs room of the Ferryman's Rest");
else it is answered as any other question. But asked when an essay was written ("When was
this article published?") and its text does not say, its front matter's `date:` is named in
the decline, as a blog's `author:` is for who wrote it.
"""

from __future__ import annotations

import re
from functools import lru_cache

from bot.answering._bylines import (
    TEXT_KINDS,
    WRITTEN,
    byline_ids,
    front_matter_says,
    spoken_bylines,
)
from bot.answering._checks import (
    asks_for_email,
    asks_for_phone,
    holds_date,
    holds_email,
    lacks_place,
    lacks_time_or_amount,
    names_new,
    question_names,
)
from bot.answering._values import Quote
from index import PHONE_DIGITS, Passage, PassageIndex, analyze, is_code, is_email_header
from index.patterns import lazy

__all__ = [
    "asks_what_about",
    "contact_lines",
    "front_matter_dates",
    "opening_field",
    "openings",
    "role_fields",
]

_KINDS = (
    r"(essays?|articles?|texts?|pieces?|stor(?:y|ies)|reports?|documents?|books?|posts?|"
    r"papers?|writings?|guides?|manuals?|notes|files?|pages?|chapters?|transcripts?|letters?)"
)
_WHAT_ABOUT = lazy(
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
_SUMMARY_HEADINGS = lazy(
    r"(abstract|summary|executive summary|overview|in brief|at a glance|tl;?dr|key points|"
    r"synopsis|about( this \w+)?)",
    re.IGNORECASE,
)
_FIELD_LINE = lazy(r"[A-Z][\w '’()/-]{0,40}:\s")
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
    essays = _titled(index, named)
    found = _openings(index)
    return tuple(found[essay] for essay in essays if essay in found)[:most]


@lru_cache(maxsize=8)
def _openings(index: PassageIndex) -> dict[str, tuple[Passage, str]]:
    """Per essay title, its summary's or opening's first sentences (read once per index)."""
    skipped = byline_ids(index)
    summaries: dict[str, Passage] = {}
    firsts: dict[str, Passage] = {}
    for passage in index.passages:
        text, document = passage.text, passage.document
        summary = _SUMMARY_HEADINGS.fullmatch(passage.section.strip())
        if document in firsts and (not summary or document in summaries):
            continue  # its opening found, and this no summary's
        if (
            passage.id in skipped
            or len(text.split()) < _LEAST_WORDS
            or _FIELD_LINE.match(text)
            or is_code(text)
            or index.table_header(passage) is not None
            or index.heads_table(passage)
        ):
            continue
        firsts.setdefault(document, passage)
        if summary:
            summaries.setdefault(document, passage)
    found = {}
    for title, first in firsts.items():
        passage = summaries.get(title, first)
        spans = index.spans(passage)[:_SENTENCES]
        found[title] = (passage, passage.text[spans[0][0] : spans[-1][1]])
    return found


_CHAIR = r"chair|chaired by|chairperson|chairman|chairwoman"
_CHAIRED = lazy(rf"\(({_CHAIR})\)", re.IGNORECASE)
# What a question asks of an essay's opening fields, and the labels of the fields that say it.
_WHEN = r"date|when|time|date and time|held on|meeting date|day"
_WHERE = r"location|venue|place|where|address|held at"
_ASKS_WHEN = lazy(r"\W*(when|(on )?(what|which) (date|day))\b", re.IGNORECASE)
_WHEN_OR_WHERE = r"\W*(when|where|(in )?(what|which) (year|date|town|city|place))\b"
_BORN = r"born|date of birth|place of birth"
_DIED = r"died|date of death|place of death"
_LIFE = (_BORN, _DIED)
# Whom else a question of a birth or a death may ask of than the essay's subject.
_KIN = lazy(
    r"\b(husband|wife|spouse|partner|son|daughter|child|children|mother|father|parents?|"
    r"brother|sister|grand(son|daughter|child|mother|father)|uncle|aunt|nephew|niece|cousin|"
    r"friend|widow|widower)s?\b",
    re.IGNORECASE,
)
_FIELD_QUESTIONS = (
    # a life's, as a biography's infobox gives it: "Born: 3 April 1871, Kendal", "Spouse: ..."
    (lazy(rf"{_WHEN_OR_WHERE}.*\bborn\b", re.IGNORECASE), _BORN),
    (lazy(rf"{_WHEN_OR_WHERE}.*\bdied?\b", re.IGNORECASE), _DIED),
    (
        lazy(r"\W*who\b.*\b(married|marry|spouse|husband|wife)\b", re.IGNORECASE),
        r"spouse|spouses|married to|husband|wife",
    ),
    (_ASKS_WHEN, _WHEN),
    # not where a thing comes from ("Where does most of the reed come from now?" of an
    # interview had been answered where it was recorded: trial round 37)
    (
        lazy(r"\W*(where|(at )?(what|which) (place|venue|address))\b(?!.*\bfrom\b)", re.I),
        _WHERE,
    ),
    (
        lazy(r"\W*who\s+(chaired|was\s+(in\s+the\s+)?chair(ing)?)\b", re.IGNORECASE),
        _CHAIR,
    ),
    (
        lazy(
            r"\W*(who\s+(was|were)\s+(absent|missing|not\s+there)|who\s+(sent\s+)?"
            r"apologi[sz]ed|who\s+sent\s+(their\s+)?apologies)\b",
            re.IGNORECASE,
        ),
        r"apologies|apologies for absence|absent",
    ),
    (
        lazy(
            r"\W*(who\s+(attended|came|took\s+part|(was|were)\s+(there|present|attending))|"
            r"(list\s+(of\s+)?)?(the\s+)?attendees)\b",
            re.IGNORECASE,
        ),
        r"present|attendees|attending|attended by|participants|in attendance|members present",
    ),
)
_SENT = WRITTEN | frozenset(analyze("sent send email emailed message"))
# What a document says was done to it when, as a field's label or "Date of ...".
_NOUNS = {
    "published": "publication",
    "issued": "issue",
    "released": "release",
    "updated": "update",
    "revised": "revision",
    "decided": "decision",
}
_DONE = lazy(rf"\b({'|'.join(_NOUNS)})\b", re.IGNORECASE)
# Words of such a question besides its essays' titles' that ask nothing more.
_OF_THE_EVENT = (
    frozenset(
        analyze(
            "when where who what which date day place venue address held hold take place happen "
            "start begin attend attended came come took part present there chair chaired chairing "
            "absent missing apologies apologised apologized sent list attendees the this it "
            # "Where was Edith Marchbank born?", "Who was her husband?"
            "born die died year town city married marry spouse husband wife her his she he "
            # "When was this sermon given?" (trial round 26)
            "give given gave deliver delivered preach preached"
        )
    )
    | WRITTEN  # "When was this written?", "When was the essay dated?"
    | frozenset(analyze(" ".join(_NOUNS)))  # "When was version 1.2 published?"
    | TEXT_KINDS
)
_FIELDS = 8  # an opening's fields are among the first paragraphs of its first section
_LOOKED_AT = 3  # openings read per one quoted, at most
_BEFORE_FIELDS = 2  # paragraphs before an opening's fields, at most (a line or two on it)


def opening_field(
    index: PassageIndex, question: str, terms: list[str], most: int
) -> tuple[tuple[Passage, str], ...]:
    """The opening fields answering `question` (of `terms`) when it asks when, where, who
    attended, chaired or was absent, naming nothing but its essays' titles' words: of the
    essays it names, or every essay when it names none."""
    asked = next((labels for asks, labels in _FIELD_QUESTIONS if asks.match(question)), None)
    if asked is None or (asked in _LIFE and _KIN.search(question)):
        return ()  # "When did her husband die?" asks of another life (trial round 33)
    essays = set(_titled(index, _named(question, terms)))
    if asked == _WHEN and (done := _DONE.search(question)):
        # a field labelled with what the question asks when of: "Published: 9 October 2025"
        # for "When was version 1.2 published?" of its specification (trial round 24)
        asked = f"{asked}|{done[1]}|date of {_NOUNS[done[1].lower()]}"
    label = lazy(rf"\*{{0,2}}({asked})\*{{0,2}}\s*:\s*\S", re.IGNORECASE)
    found = [p for p in _opening_fields(index) if p.document in essays and label.match(p.text)]
    if not _SENT.intersection(terms):  # an email's "Date:" says when it was sent, not when the
        # concert it is about is (trial round 24)
        found = [p for p in found if not _in_email_header(index, p)]
    if not found and asked == _CHAIR:  # "Present: R. Okafor (Chair), D. Mills (Secretary)"
        found = [
            p for p in _opening_fields(index) if p.document in essays and _CHAIRED.search(p.text)
        ]
    if found:
        return tuple((passage, passage.text) for passage in found[:most])
    dated = asked == _WHEN and front_matter_dates(index, question, terms, most)
    if asked in (_WHEN, _WHERE) and not dated:  # "The annual general meeting ... was held on
        # Thursday 14 March 2024 in ...", of an essay the question names ("When?" alone names
        # none); not when it asks when the essay was written, which its front matter says
        by_term = _titles_by_term(index)
        named_in = {title for term in terms for title in by_term.get(term, ())}
        return _said_in_opening(index, question, essays & named_in, most)
    return ()


# A phone number of nine digits or more ("Tel. 01632 960 418", "+44 1482 555 210"), not a
# date or a range of years, nor inside a longer figure.
_PHONE_NUMBER = lazy(rf"(?<!\w)(?<!\d\.)\+?\(?{PHONE_DIGITS.pattern}(?!\w|\.\d)")
# Words of a question asking for a phone number or email address that name nothing.
_CONTACT_WORDS = frozenset(
    analyze("phone telephone mobile contact number no email e-mail mail address their your our")
)


def contact_lines(
    index: PassageIndex, question: str, terms: list[str], most: int
) -> tuple[tuple[Passage, str], ...]:
    """For `question` (of `terms`) asking for a phone number or an email address, naming
    nothing but its essays' titles' words ("What is the phone number?"), the first sentence
    of each essay holding one, as (passage, sentence): a menu's contact line, "14 Quayside
    Row, Kilbrannan, KB4 2QT · Tel. 01632 960 418", shares no word with the question (trial
    round 24). At most `most`, of the essays it names, or every essay when it names none;
    when it names what no title does, the lines whose passages name it ("Celia Abernethy,
    secretary: 07700 900 318", for Celia's phone number: trial round 31)."""
    kind = "phone" if asks_for_phone(question) else "email" if asks_for_email(question) else ""
    if not kind:
        return ()
    named = {term for term in _named(question, terms) if term not in _CONTACT_WORDS}
    lines = _contact_lines(index)
    # fitted by the words naming whose or what's: "email" fits any "Email: ..." label, and
    # a CV's "email address" had been a referee's (trial round 27)
    fitting = [term for term in terms if term not in _CONTACT_WORDS]
    found = []
    titled = _titled(index, named)
    if not titled and named:  # "What is Celia's phone number?": a line of a passage naming her
        named_in = [
            (passage, line)
            for title in _titled(index, set())
            for passage, line in lines.get((title, kind), ())
            if named <= index.indexed_terms(passage)
        ]
        return tuple(named_in[:most])
    for title in titled:
        if held := lines.get((title, kind)):
            # the one the question's words fit best, the first when none fits better ("What's
            # the recall email address?": "Email: recall@...", not a bulk collection's)
            found.append(max(held, key=lambda line: index.score_terms(fitting, line[0])))
            if len(found) == most:
                break
    return tuple(found)


_LINES_KEPT = 8  # an essay's first sentences holding a phone number (or an email address)


@lru_cache(maxsize=8)
def _contact_lines(index: PassageIndex) -> dict[tuple[str, str], list[tuple[Passage, str]]]:
    """The first sentences of each essay holding a phone number, and those holding an email
    address: (title, "phone" or "email") -> [(passage, sentence)]; read once per index."""
    lines: dict[tuple[str, str], list[tuple[Passage, str]]] = {}
    for passage in index.passages:
        text = passage.text
        # most passages hold neither: a plainer search first (0.4 s at 100,000 passages, once
        # per index, not 1.4 s), and none at all for an email without an "@"
        kinds = [("phone", _holds_phone)] if PHONE_DIGITS.search(text) else []
        kinds += [("email", holds_email)] if "@" in text else []
        for kind, holds in kinds:
            held = lines.setdefault((passage.document, kind), [])
            if len(held) < _LINES_KEPT and holds(text):
                spans = index.spans(passage)
                held.append((passage, next(text[a:b] for a, b in spans if holds(text[a:b]))))
    return lines


# "Who is the show secretary?": a role asked for by its name, with nothing after it.
_ASKS_ROLE = lazy(
    r"\W*who(?:['’]s|\s+is|\s+was)\s+(?:the|our|your|their)\s+(?P<role>[a-z][\w'’ -]{1,40}?)\W*$",
    re.IGNORECASE,
)
# A role's field naming who holds it: "Secretary: Mr Kevin Oakes, 4 Damson Close, ...", at a
# sentence's start; the label capitalised, the holder a name (after a title, or not).
_ROLE_FIELD = lazy(
    r"(?:^|(?<=[.;]\s))(?P<label>[A-Z][\w'’-]*(?:\s+[\w'’-]+){0,3}):\s+"
    r"(?:(?:Mr|Mrs|Ms|Mx|Miss|Dr|Prof|Rev|Cllr|Sir|Dame)\.?\s+)?[A-Z][\w'’.-]*\s+[A-Z]"
)


def role_fields(
    index: PassageIndex, question: str, terms: list[str], most: int
) -> tuple[tuple[Passage, str], ...]:
    """For `question` asking who holds a role, named and no more ("Who is the show
    secretary?"), the sentences of fields labelled with it that name someone ("Secretary: Mr
    Kevin Oakes, 4 Damson Close, ..."), at most `most`: a list of officers had ranked fourth,
    under three rules asking exhibitors to see "the secretary" (trial round 31). The label
    holds the role's last word, and every word of it that no title of the essays holds
    ("show" is the catalogue's; an assistant secretary is not the secretary), and no word
    more ("Signed by the Landlord: Gareth Pellow" is a signature, not who the landlord is)."""
    if not (asked := _ASKS_ROLE.match(question)):
        return ()
    role = analyze(asked["role"])
    if not role:
        return ()
    titled = _titles_by_term(index).keys()  # every title's terms, read once per index
    found = []
    for label, passage, sentence in _role_fields(index):
        if (
            role[-1] in label
            and all(t in label or t in titled for t in role)
            and all(t in titled or t in role for t in label)
        ):
            found.append((passage, sentence))
            if len(found) == most:
                break
    return tuple(found)


@lru_cache(maxsize=8)
def _role_fields(index: PassageIndex) -> tuple[tuple[frozenset[str], Passage, str], ...]:
    """Each field naming who holds a role, as (its label's terms, passage, sentence); read
    once per index."""
    fields = []
    for passage in index.passages:
        text = passage.text
        if ":" not in text:  # most passages hold none: a plainer search first
            continue
        for a, b in index.spans(passage):
            for field in _ROLE_FIELD.finditer(text, a, b):
                fields.append((frozenset(analyze(field["label"])), passage, text[a:b]))
    return tuple(fields)


def _holds_phone(text: str) -> bool:
    return _PHONE_NUMBER.search(text) is not None


def _named(question: str, terms: list[str]) -> set[str]:
    """The terms of `question` naming what it asks of: not the words asking of an event,
    unless a name holds them ("When is Apple Day this year?" asks of Apple Day, not of the
    podcast "The Apple Detectives" and the day its opening says it was recorded: trial round
    23)."""
    capitalised = set(analyze(" ".join(question_names(question))))
    return {term for term in terms if term not in _OF_THE_EVENT or term in capitalised}


def front_matter_dates(index: PassageIndex, question: str, terms: list[str], most: int) -> str:
    """For `question` (of `terms`) asking when its essays were written, naming nothing but
    their titles' words ("When was this published?"), what their front matter's `date:`
    says ("" when none has one): "their front matter dates 2025-03-14", or each essay's,
    at most `most` (`front_matter_says`)."""
    dates = _dates(index)
    if not dates or not _ASKS_WHEN.match(question):
        return ""
    named = _named(question, terms)
    if named and not WRITTEN.intersection(terms):  # "When was the bridge opened?"
        return ""
    asked = _titled(index, named)
    dated = [(title, dates[title]) for title in asked if title in dates]
    return front_matter_says(dated[:most], len(asked), "dates", "dates")


@lru_cache(maxsize=8)
def _dates(index: PassageIndex) -> dict[str, str]:
    """The front matter's `date:` of each essay that has one, by title (read once per index)."""
    return {d.title: d.date for d in index.documents if d.date}


def _said_in_opening(
    index: PassageIndex, question: str, essays: set[str], most: int
) -> tuple[tuple[Passage, str], ...]:
    """The first sentence of each of `essays`' first paragraph of prose that holds the date or
    the named place `question` asks for, as (passage, sentence)."""
    when = _ASKS_WHEN.match(question)
    asked = set(analyze(question))

    def check(question: str, quotes: list[Quote]) -> str | None:
        if when:  # a day or a date: "The church is closed until further notice ... at least
            # six weeks" does not say when the spring concert its email is titled by is (trial
            # round 24)
            return lacks_time_or_amount(question, quotes) or (
                None if holds_date(quotes[0].text) else "no date"
            )
        # a place named ("the Ferryman's Rest, Quay Lane"), not only "on small buildings"
        named = lacks_place(question, quotes) is None and names_new(asked, quotes[0].text)
        return None if named else "no place named"

    found: list[tuple[Passage, str]] = []
    openings_of, spoken = _openings(index), spoken_bylines(index)
    named = sorted(essays & openings_of.keys(), key=_positions(index).__getitem__)
    for title in named[: most * _LOOKED_AT]:  # bounded, however many titles share a word
        if len(found) == most:
            break
        # a speech's or sermon's byline says where and when it was given (trial round 26)
        passages = [p for p in (spoken.get(title), openings_of[title][0]) if p is not None]
        sentences = [(p, p.text[start:end]) for p in passages for start, end in index.spans(p)]
        said = next(
            (s for s in sentences if check(question, [Quote(s[1], s[0], 0.0)]) is None), None
        )
        if said is not None:
            found.append(said)
    return tuple(found)


@lru_cache(maxsize=8)
def _opening_fields(index: PassageIndex) -> tuple[Passage, ...]:
    """The fields ("Label: value") among the first `_FIELDS` paragraphs of each essay's first
    section holding any, after no more than `_BEFORE_FIELDS` paragraphs (an account's
    "Prepared by …" before "1. Particulars of the estate" and its "Date of death: …": trial
    round 33); read once per index."""
    found: list[Passage] = []
    for d in index.documents:
        before = 0
        for section in d.sections:
            passages = index.passages_of(d.title, section.heading)
            fields = [p for p in passages if p.paragraph <= _FIELDS and _FIELD_LINE.match(p.text)]
            if fields or before + len(passages) > _BEFORE_FIELDS:
                found += fields
                break
            before += len(passages)
    return tuple(found)


def _in_email_header(index: PassageIndex, passage: Passage) -> bool:
    """Whether `passage` is a field of an email's header: its section, a message, opens with
    "From:" among such fields."""
    fields = index.passages_of(passage.document, passage.section)[:_FIELDS]
    return is_email_header(passage.text) and any(
        is_email_header(p.text) and p.text[:5].casefold() == "from:" for p in fields
    )


@lru_cache(maxsize=8)
def _positions(index: PassageIndex) -> dict[str, int]:
    """Each essay title's place among the essays."""
    return {document.title: n for n, document in enumerate(index.documents)}


def _titled(index: PassageIndex, named: set[str]) -> list[str]:
    """The titles of the essays whose titles hold every term of `named` (all, for none), in
    the essays' order, from the titles' terms read once per index."""
    if not named:
        return [d.title for d in index.documents]
    by_term = _titles_by_term(index)
    holding = set.intersection(*(set(by_term.get(term, ())) for term in named))
    return sorted(holding, key=_positions(index).__getitem__)


@lru_cache(maxsize=8)
def _titles_by_term(index: PassageIndex) -> dict[str, tuple[str, ...]]:
    """Per term of the essays' titles, the titles holding it."""
    found: dict[str, list[str]] = {}
    for document in index.documents:
        for term in index.title_terms(document.title):
            found.setdefault(term, []).append(document.title)
    return {term: tuple(titles) for term, titles in found.items()}
