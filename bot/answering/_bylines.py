"""Who wrote an essay: its byline, or its opening's sentence saying so, for a question asking.

A byline ("By Nessa Cawthorne, Saltmarsh Courier, 9 June 2023") is a short paragraph among
the first three of an essay's first section that opens with "By" or "Written by" and a
capital, or ends with "written by", "compiled by" or "edited by" and a name, and is no
sentence, unless its name of two words or more is followed by a comma ("By Freya Lindqvist,
outdoor gear editor. Updated 2 April 2025."). Neither words nor meaning find it for "Who
wrote this?": it shares no word with the question, and the sentence model sees no
authorship in a name. So a question asking who wrote an essay is answered with the bylines
of the essays it names (by words of their titles; else, when it names a kind of text, by
words of their headings or opening: "the match report"), or of every essay when it names
none; of those, the ones calling themselves the kind it names ("Who wrote the play?").
An essay without a byline may say in a sentence of its opening who wrote it ("The report
was compiled by the society's honorary secretary, Marguerite Ashdown, ...", "Report by
Dylan Osei.", "A play in two acts by Corin Mabey"): that sentence answers. When the essays
named say neither, a question asking who wrote "this essay" or "the ... report" is declined (a
sentence about "men and women" is no writer); a question naming anything else ("Who wrote
War and Peace?", "Who wrote the letters?") is answered as any other.
"""

from __future__ import annotations

import re
from functools import lru_cache

from bot.markup import bidi_closed
from index import Passage, PassageIndex, analyze
from index.patterns import lazy

__all__ = [
    "TEXT_KINDS",
    "WRITTEN",
    "asks_who_wrote",
    "byline_ids",
    "front_matter_authors",
    "front_matter_says",
    "spoken_bylines",
    "when_written",
    "who_wrote",
    "writers",
]

_WHO_WROTE = lazy(
    r"\W*(who\s+(wrote|authored|compiled|edited|has\s+written|is\s+the\s+(author|writer)\s+of)|"
    r"who\s+(put|pulled)\s+(this|these|the|it)\b[^?]{0,40}\btogether|"
    # a speech's giver: "Who gave the commencement address?" (trial round 24)
    r"who\s+(gave|delivered|presented|preached|made)\s+(this|the|that)\b[^?]{0,40}\b"
    r"(speech|address|lecture|talk|sermon|keynote|eulogy|toast|oration)|"
    r"who\s+(is|was|are|were)\s+(the|its|their)\s+(author|writer)s?|"
    r"(what\s+is|what's)\s+the\s+(author|writer)'?s\s+name|"
    r"by\s+whom\s+(is|was)|who\s+(is|was)\s+(it|this|that)\b.{0,30}\bwritten\s+by)\b",
    re.IGNORECASE,
)
# not "By the end, ..."; a speech's: "Delivered by Dr Ines Valcourt-Mbeki, Tidewater Pavilion"
# a sermon's: "Preached by the Revd Canon Judith Marwood at St Oswin's Church, Lower Hesket,
# on Sunday 28 September 2025" (trial round 26)
_SPOKEN_BY = r"([Dd]elivered|[Gg]iven|[Pp]reached|[Pp]resented)\s+"
_BYLINE = lazy(rf"([Ww]ritten\s+|{_SPOKEN_BY})?[Bb]y\s+(the\s+)?[A-Z][^!?\n]{{0,120}}$")
_SPOKEN = lazy(rf"{_SPOKEN_BY}by\b")
# A byline's name of two words or more and a comma may go on in sentences: "By Freya
# Lindqvist, outdoor gear editor. Updated 2 April 2025." (trial round 22)
_NAMED_BYLINE = lazy(r"([Ww]ritten\s+)?[Bb]y\s+[A-Z][\w'’.-]+(\s+[A-Z][\w'’.-]+)+,")
# A subtitle naming its writer: "A report for the Residents' Association — written by Orla
# Kiernan, November 2022".
_CREDIT = lazy(r"[^!?\n]{0,90}\b(written|compiled|edited)\s+by\s+[A-Z][^!?\n]{0,60}$")
# A paper's author line: names ("Hanna Lindqvist", "T. Adeyemi") joined by "and", "&" or
# commas, then their affiliation: "Hanna Lindqvist and Mateo Ruiz, Department of Urban
# Ecology, Norrby Institute of Technology".
_NAME = r"[A-Z][\w'’.-]*(?: [A-Z][\w'’.-]*){1,3}"
_AUTHORS = lazy(
    rf"{_NAME}(?:(?:,| and| &|, and) {_NAME})*, [^.!?\n]{{0,120}}\b(Department|University|"
    rf"Institute|College|School|Laboratory|Centre|Center|Faculty|Hospital|Museum)\b[^.!?\n]*$"
)
_AUTHOR_LINE_WORDS = 40
# A sentence saying who wrote or kept the text, naming them: "These notes were put together
# by Wenna Ashgrove, head baker ...", "Kept by Mairi Costain (leader) with occasional ...".
# So does a sentence opening with the kind of text and by whom: "Report by Dylan Osei.", "A
# play in two acts by Corin Mabey, first performed ..." (trial round 22).
_CREDITED = lazy(
    r"\b(?i:written|compiled|kept|edited|prepared|put\s+together|drawn\s+up|authored|recorded|"
    r"minuted)\s+by\b"
    r"[^.!?]*?\b[A-Z][a-z]|"
    r"^(An?\s+)?(?i:report|words|text|story|interview|review|article|play|poem|novel|memoir|"
    r"essay|guide|photographs|photos)\b[^.!?]{0,60}?\bby\s+[A-Z][a-z]"
)
# A closing sentence naming the essay's own writers: "The views expressed here are those of
# the authors, Dr Siân Lloyd-Morgan and ...", "This report was prepared by ..."; not what
# else was written by someone ("Its songs were written by Ann Lee.").
_CREDITED_AT_END = lazy(
    r"\b(?i:the\s+authors?),?\s+(?:(?i:dr|prof|professor|mr|mrs|ms|miss)\.?\s+)?[A-Z][a-z]|"
    r"\b(?i:this\s+(report|essay|article|guide|review|study|paper|booklet|leaflet|survey))\s+"
    r"(?i:was|has\s+been|is)\s+"
    r"(?i:written|compiled|edited|prepared|put\s+together|drawn\s+up|authored)\s+by\b"
    r"[^.!?]*?\b[A-Z][a-z]"
)
# A letter's sign-off: a closing name of at most this many words, and the line before it of
# at most _SIGN_OFF_WORDS when it ends with a comma, in an essay of more passages than these.
_SIGNATURE_WORDS = 4
_SIGN_OFF_WORDS = 6
_SHORTEST_SIGNED = 5  # an essay of fewer may be a list of short lines, all text
# Capitalised words of a byline that name no one: "By Zoë Ødegård, 3 June 2024".
_NOT_NAMES = frozenset(
    "by written compiled edited and with january february march april may june july august "
    "september october november december".split()
)
# Words of the question that name the kind of text, not which one ("this essay", "the piece"),
# and its verbs of writing ("Who put this report together?").
TEXT_KINDS = frozenset(
    analyze(
        "essay article piece text story post report note study paper review guide newsletter "
        "diary journal blog column handbook manual document leaflet booklet pamphlet "
        "brochure changelog memo play poem novel memoir script speech address lecture talk "
        "sermon keynote history account chronicle feature transcript"
    )
)
_OF_ANY_ESSAY = TEXT_KINDS | frozenset(
    analyze(
        "write writer author compiled edited put together gave delivered presented preached made"
    )
)


def asks_who_wrote(question: str) -> bool:
    """Whether `question` asks who wrote an essay: "Who wrote this?", "Who is the author?"."""
    return bool(_WHO_WROTE.match(question))


def who_wrote(index: PassageIndex, terms: list[str]) -> tuple[tuple[Passage, str], ...] | None:
    """What answers a who-wrote question with `terms`, as (passage, text quoted): the bylines
    of the essays it names (all, when it names none), else the sentences of their openings
    saying who wrote them; () when it asks of "this essay" or "the report" and they say
    neither; None when it names something no title holds (it is answered as any other)."""
    named = {term for term in terms if term not in _OF_ANY_ESSAY}
    kinds = TEXT_KINDS.intersection(terms)
    essays = {d.title for d in index.documents if named <= index.title_terms(d.title)}
    if not essays and kinds:
        # "Who wrote the match report?" of the essay with a section "Match report" (round 22)
        essays = {d.title for d in index.documents if named <= _described(index, d.title)}
    if len(essays) > 1 and kinds:
        # "Who wrote the play?" of a folder with a play and a guide asks of the essays that
        # call themselves so, in their title, headings or opening ("A play in two acts")
        essays = {title for title in essays if kinds & _described(index, title)} or essays
    if not essays:
        return None
    # each essay's byline, or else its opening's sentence saying who wrote it
    said = {c[0].document: c for c in _credits(index)}
    said.update((p.document, (p, p.text)) for p in _bylines(index))
    found = tuple(said[d.title] for d in index.documents if d.title in essays and d.title in said)
    if found or not named or kinds:
        return found
    return None


def _described(index: PassageIndex, title: str) -> frozenset[str]:
    """The terms the essay titled `title` describes itself with: its title's, its
    headings' and its opening's (`_openings`)."""
    return _descriptions(index).get(title, frozenset())


@lru_cache(maxsize=8)
def _descriptions(index: PassageIndex) -> dict[str, frozenset[str]]:
    """`_described` of every essay, read once per index."""
    texts = {d.title: [d.title, *(s.heading for s in d.sections)] for d in index.documents}
    for passage in _openings(index):
        texts[passage.document].append(passage.text)
    return {title: frozenset(index.terms(" ".join(said))) for title, said in texts.items()}


def front_matter_authors(index: PassageIndex, terms: list[str]) -> str:
    """What the `author:` front matter says of the essays a who-wrote question of `terms`
    asks of (all, when it names none), "" when none has one: no passage, so nothing to
    quote, but no essay to say nothing of (`front_matter_says`)."""
    named = {term for term in terms if term not in _OF_ANY_ESSAY}
    asked = [d for d in index.documents if named <= index.title_terms(d.title)]
    found = [(d.title, d.author) for d in asked if d.author]
    return front_matter_says(found, len(asked), "gives the author as", "gives the authors as")


def front_matter_says(found: list[tuple[str, str]], asked: int, verb: str, verbs: str) -> str:
    """What the front matter's fields `found` ((title, value) of the `asked` essays that have
    one) say, after `verb` ("dates"; `verbs` for several values), "" when none: one value for
    all ("their front matter dates 2025-03-14"), or each by its essay's title, saying so when
    other essays asked of have none: a folder's one blog post's author is not all of theirs."""
    if not found:
        return ""
    # a title or value leaving a bidi override open must not reverse the words after it
    found = [(bidi_closed(title), bidi_closed(value)) for title, value in found]
    if len(found) == asked and len({value for _, value in found}) == 1:
        return f"their front matter {verb} {found[0][1]}"
    if len(found) == 1:
        said = f'the front matter of "{found[0][0]}" {verb} {found[0][1]}'
    else:
        said = f"their front matter {verbs} " + "; ".join(f"{t}: {v}" for t, v in found)
    return said if len(found) == asked else f"{said} (no other essay's does)"


@lru_cache(maxsize=8)
def byline_ids(index: PassageIndex) -> frozenset[str]:
    """The ids of the essays' bylines, passages that answer who wrote them and nothing else,
    and of their sign-offs: a letter's "All my love, always," and "Granny Peggy" matched a
    question naming Peggy best and led its answer. A speech's ("Delivered by Dr Ines
    Valcourt-Mbeki, Tidewater Pavilion, Port Selwyn, 14 June 2025") says where and when it
    was given too: it is searched as any passage."""
    only_who = (
        p
        for p in _bylines(index)
        if _credits_alone(p.text) and not _goes_on(p.text) and not _SPOKEN.match(p.text)
    )
    return frozenset(passage.id for passage in (*only_who, *_sign_offs(index)))


def when_written(index: PassageIndex, question: str, terms: list[str]) -> tuple[Passage, ...]:
    """The bylines giving a year ("By Tamsin Roskilly, written over the winter of 2023") that
    answer `question` (of `terms`) asking when the essays were written, naming nothing else:
    a byline answers nothing else, so "When did she write this?" had found no passage
    (trial round 37)."""
    asked = set(terms)
    if not _ASKS_WHEN_WRITTEN.match(question) or not asked & WRITTEN or not asked <= _OF_WRITING:
        return ()  # not "When are the lectures?" of a syllabus
    return tuple(p for p in _bylines(index) if p.id in byline_ids(index) and _YEAR.search(p.text))


_ASKS_WHEN_WRITTEN = lazy(r"\W*(when|(in\s+)?(what|which)\s+(year|month|date))\b", re.IGNORECASE)
# Words asking when a text was written: "When was this written?", "... dated?", "... posted?"
WRITTEN = frozenset(analyze("written write wrote dated published posted"))
_OF_WRITING = TEXT_KINDS | WRITTEN
_YEAR = lazy(r"\b(1[5-9]|20)\d\d\b")


@lru_cache(maxsize=8)
def spoken_bylines(index: PassageIndex) -> dict[str, Passage]:
    """Per essay title, its byline saying who gave it, and where and when ("Preached by the
    Revd Canon Judith Marwood at St Oswin's Church, Lower Hesket, on Sunday 28 September
    2025"), if it has one (read once per index)."""
    found: dict[str, Passage] = {}
    for passage in _bylines(index):
        if _SPOKEN.match(passage.text):
            found.setdefault(passage.document, passage)
    return found


@lru_cache(maxsize=8)
def _sign_offs(index: PassageIndex) -> tuple[Passage, ...]:
    """The closing name of each essay of more than five passages ("Granny Peggy", "Love,
    Mum", "Anna Kerr": a few capitalised words, no figure), with the line before it when
    that ends with a comma ("All my love, always,"), as a letter closes; or the two as one
    passage, as a plain text's paragraphs are read ("All my love, always, Granny Peggy").
    Read once per index: `byline_ids` and `signers` both want them."""
    by_essay: dict[str, list[Passage]] = {}
    for passage in index.passages:
        by_essay.setdefault(passage.document, []).append(passage)
    found = []
    for passages in by_essay.values():
        if len(passages) <= _SHORTEST_SIGNED:
            continue
        closing, comma, name = passages[-1].text.rpartition(", ")
        if comma and len(closing.split()) <= _SIGN_OFF_WORDS and _is_signature(name):
            found.append(passages[-1])
            continue
        if not _is_signature(passages[-1].text):
            continue
        found.append(passages[-1])
        before = passages[-2].text
        if before.endswith(",") and len(before.split()) <= _SIGN_OFF_WORDS:
            found.append(passages[-2])
    return tuple(found)


def _is_signature(text: str) -> bool:
    words = re.findall(r"[^\W_]+", text)
    capitalised = all(word[0].isupper() for word in words)
    return 0 < len(words) <= _SIGNATURE_WORDS and capitalised and not any(map(str.isdigit, text))


@lru_cache(maxsize=8)
def writers(index: PassageIndex) -> dict[str, frozenset[str]]:
    """Per essay title, the terms of the names in its byline: a diary's "By Zoë Ødegård" is
    its "I", so "What did Zoe Odegard do about the slugs?" asks of every passage of it."""
    named: dict[str, frozenset[str]] = {}
    for passage in _bylines(index):
        words = (w for w in re.findall(r"[^\W\d_]+", passage.text) if w[0].isupper())
        named[passage.document] = frozenset(
            index.query(" ".join(w for w in words if w.casefold() not in _NOT_NAMES))
        )
    return named


@lru_cache(maxsize=8)
def signers(index: PassageIndex) -> dict[str, frozenset[str]]:
    """Per essay title, the terms of its closing signature ("Granny Peggy"): a letter's
    writer, as a byline's names are (`writers`)."""
    named: dict[str, set[str]] = {}
    for passage in _sign_offs(index):
        named.setdefault(passage.document, set()).update(index.terms(passage.text))
    return {document: frozenset(terms) for document, terms in named.items()}


@lru_cache(maxsize=8)
def _bylines(index: PassageIndex) -> tuple[Passage, ...]:
    """Each essay's byline, in the order of the essays (read once per index: 10-30 ms at
    100,000 passages)."""
    found: dict[str, Passage] = {}
    for passage in _openings(index):
        if passage.document not in found and _is_byline(passage.text):
            found[passage.document] = passage
    return tuple(found.values())


@lru_cache(maxsize=8)
def _credits(index: PassageIndex) -> tuple[tuple[Passage, str], ...]:
    """The sentences of the essays' openings saying who wrote them, the first of each essay;
    else of their closings (trial round 40: a field study's last paragraph, "The views
    expressed here are those of the authors, Dr Siân Lloyd-Morgan and Tomos Jenkins ...")."""
    found: dict[str, tuple[Passage, str]] = {}
    read = [(p, _CREDITED) for p in _openings(index)]
    for passage, credited in [*read, *((p, _CREDITED_AT_END) for p in _closings(index))]:
        for start, end in index.spans(passage):
            sentence = passage.text[start:end]
            if passage.document not in found and credited.search(sentence):
                found[passage.document] = (passage, sentence)
    return tuple(found.values())


def _closings(index: PassageIndex) -> list[Passage]:
    """The last three passages of each essay."""
    last: dict[str, list[Passage]] = {}
    for passage in index.passages:
        last.setdefault(passage.document, []).append(passage)
    return [p for passages in last.values() for p in passages[-3:]]


def _openings(index: PassageIndex) -> list[Passage]:
    """The passages among the first three paragraphs of each essay's first section."""
    first = {d.title: d.sections[0].heading for d in index.documents if d.sections}
    return [p for p in index.passages if p.paragraph <= 3 and p.section == first.get(p.document)]


def _is_byline(text: str) -> bool:
    """ "By Nessa Cawthorne, Saltmarsh Courier", "Written by J. Smith", "By Jane Doe.", "A report
    for the association — written by Orla Kiernan", a paper's authors and affiliation, not a
    sentence opening with "By" ("By Monday the river had risen.") or telling who wrote
    something ("It was written by Ann Lee in the winter of 2022.")."""
    if _credits_alone(text):
        return not _goes_on(text) or bool(_NAMED_BYLINE.match(text))
    # a paper's authors and affiliation with its number: "... Ecology. Report DIUE-2024-07."
    numbered = _authors(text.rstrip(".").rpartition(". ")[0])
    return numbered and len(text.split()) <= _AUTHOR_LINE_WORDS


def _goes_on(text: str) -> bool:
    """Whether a byline's form may say more in sentences: "By Freya Lindqvist, outdoor gear
    editor. Updated 2 April 2025." is searched for when the guide was updated."""
    return text.endswith(".") and len(text.split()) > 5 and not _authors(text)


def _credits_alone(text: str) -> bool:
    """Whether `text` is a byline's or an author line's form and nothing more (a byline that
    says more, the report's number, is searched as any passage too)."""
    return bool(_BYLINE.match(text) or _CREDIT.match(text)) or _authors(text)


def _authors(text: str) -> bool:
    line = text.rstrip(".")
    return bool(_AUTHORS.match(line)) and len(line.split()) <= _AUTHOR_LINE_WORDS
