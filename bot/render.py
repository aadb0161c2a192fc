"""Render answers for people (plain text) and for programs (JSON)."""

from __future__ import annotations

import re
import shutil
import textwrap
import unicodedata
from collections.abc import Sequence
from typing import Any

from bot.answering import MAX_QUESTION_CHARS, Answer, Outcome, Quote
from bot.markup import bidi_closed
from index import Document, Hit, Passage, Section, is_code

__all__ = [
    "answer_to_dict",
    "citation",
    "paragraphs_of",
    "printable",
    "quote_link",
    "render_answer",
    "render_hits",
    "render_section",
    "render_sections",
    "section_names",
    "text_width",
]

_WIDTH = 88
# A section's name as an abstention quotes it.
_QUOTED = re.compile(r'"[^"\n]*"')


def text_width() -> int:
    """Columns to wrap to: 88, or less on a narrower terminal."""
    return max(40, min(_WIDTH, shutil.get_terminal_size((_WIDTH, 24)).columns - 1))


def printable(text: str) -> str:
    """Text made safe to print on a terminal: tabs and line breaks become spaces, and other
    control characters (ESC, which starts escape sequences; C1 controls; lone surrogates)
    become "\ufffd". Format characters such as the zero-width joiner in emoji are kept."""
    return "".join(
        " " if ch in _BREAKS else "\ufffd" if unicodedata.category(ch) in ("Cc", "Cs") else ch
        for ch in text
    )


_BREAKS = frozenset("\t\n\r\v\f\x85\u2028\u2029")


def citation(passage: Passage, *, with_document: bool) -> str:
    """`"The source of grievances", ¶2`, led by the document title when there are several."""
    cited = f'"{bidi_closed(passage.section)}", ¶{passage.paragraph}'
    return f"{bidi_closed(passage.document)}, {cited}" if with_document else cited


def section_names(answer: Answer, *, with_document: bool) -> list[str]:
    """The sections an abstention points to, as people would name them."""
    return [
        f'{bidi_closed(d)}, "{bidi_closed(s)}"' if with_document else f'"{bidi_closed(s)}"'
        for d, s in answer.sections
    ]


def group_quotes(quotes: Sequence[Quote]) -> list[tuple[Passage, str]]:
    """Quotes of the same passage joined in text order with "…" for skipped sentences; a
    table's header row on a line of its own over the row quoted after it, with that row's
    citation (trial rounds 32 and 33: quoted with its own, "¶1", it had read as an answer)."""
    groups: dict[str, tuple[Passage, list[str]]] = {}
    headers = {quote.passage.id for quote in quotes if quote.heads_table}
    for quote in quotes:
        groups.setdefault(quote.passage.id, (quote.passage, []))[1].append(quote.text)
    grouped: list[tuple[Passage, str]] = []
    for passage, texts in groups.values():
        text = " … ".join(texts)
        if not is_code(text):  # a line break is then the header row's alone
            text = " ".join(text.split())
        if grouped and grouped[-1][0].id in headers and _same_section(grouped[-1][0], passage):
            text = f"{grouped.pop()[1]}\n{text}"
        grouped.append((passage, text))
    return grouped


def _same_section(one: Passage, other: Passage) -> bool:
    return (one.document, one.section) == (other.document, other.section)


def abstention(answer: Answer, *, with_document: bool) -> str:
    """The sentence said when there are no quotes, by outcome."""
    if answer.outcome is Outcome.EMPTY:
        return "Please ask a question about the essays."
    if answer.outcome is Outcome.TOO_LONG:
        return (
            f"That question is {len(answer.question):,} characters long; "
            f"please ask in at most {MAX_QUESTION_CHARS:,}."
        )
    # 'Trains, "Fares"; Ferries, "Tides"': a comma already parts an essay from its section
    names = ("; " if with_document else ", ").join(
        section_names(answer, with_document=with_document)
    )
    said = "The essays don't cover this."
    if answer.declined_because:  # a check declined what the passages seemed to answer: why
        said = f"The essays don't cover this: {answer.declined_because}."
    if not names:
        return said
    if answer.hits:
        return f"{said} The nearest sections are {names}."
    return f"{said} Their sections include {names}."


def render_answer(answer: Answer, *, with_document: bool, width: int = _WIDTH) -> str:
    """Plain text: each quote wrapped and indented, then its citation."""
    if not answer.answered:
        # A section's name is not broken across lines ("3." then "Decline"): its spaces are
        # held while the line is filled, and a name longer than a line stays whole.
        said = _QUOTED.sub(
            lambda m: m.group().replace(" ", "\0"),
            printable(abstention(answer, with_document=with_document)),
        )
        return textwrap.fill(said, width, break_long_words=False).replace("\0", " ")
    blocks = []
    for passage, text in group_quotes(answer.quotes):
        if is_code(text):  # its lines as written, fences and all, not wrapped
            quoted = "\n".join(f"  {printable(line)}" for line in text.split("\n"))
        else:  # a table's header row and the row under it on lines of their own
            quoted = "\n".join(
                textwrap.fill(
                    printable(line),
                    width,
                    initial_indent="  “" if number == 0 else "   ",
                    subsequent_indent="   ",
                    break_on_hyphens=False,
                )
                for number, line in enumerate(text.split("\n"))
            )
            quoted += "”"
        cited = printable(citation(passage, with_document=with_document))
        link = quote_link(answer, passage)
        shown = f"\n       {printable(link)}" if link else ""
        blocks.append(f"{quoted}\n     — {cited}{shown}")
    return "\n\n".join(blocks)


def quote_link(answer: Answer, passage: Passage) -> str:
    """The link of the first quote from `passage` ("" when its essay gives no `url:`)."""
    return next((q.link for q in answer.quotes if q.passage.id == passage.id), "")


def render_hits(hits: Sequence[Hit], width: int = 120) -> str:
    """The ranked passages with scores, one line each (for debugging retrieval): each
    passage's start, shortened to end the line within `width` (at least 20 characters)."""
    if not hits:
        return "  (no passage shares a word with the question)"
    lines = []
    for h in hits:
        head = f"  {h.rank:>2}. {h.score:7.3f}  {printable(h.passage.id)}  "
        text = textwrap.shorten(printable(h.passage.text), max(20, width - len(head)))
        lines.append(head + text)
    return "\n".join(lines)


def paragraphs_of(document: Document) -> str:
    """How many paragraphs `document` has, in words: "1 paragraph", "18 paragraphs"."""
    n = document.paragraph_count
    return f"{n} paragraph" + ("" if n == 1 else "s")


def render_sections(documents: Sequence[Document]) -> str:
    """Table of contents: each document's sections with paragraph counts (numbered "2.3" when
    there are several documents)."""
    lines = []
    several = len(documents) > 1
    for d, document in enumerate(documents, start=1):
        # With several essays each is numbered, so ":section 2.3" names one section.
        title = printable(document.title)
        lines.append(f"{f'{d}. ' if several else ''}{title} ({paragraphs_of(document)})")
        width = max(len(s.heading) for s in document.sections)
        labels = [
            f"{d}.{number}" if several else f"{number}."
            for number in range(1, len(document.sections) + 1)
        ]
        label_width = max(map(len, labels))  # "4.9" and "4.10": the counts stay in a column
        for label, section in zip(labels, document.sections, strict=True):
            count = len(section.paragraphs)
            heading = printable(section.heading)
            lines.append(f"  {label:<{label_width}} {heading:<{width}}  {count:>3} ¶")
    return "\n".join(lines)


def render_section(document: Document, sections: Sequence[Section], width: int = _WIDTH) -> str:
    """A whole section: its heading, then numbered paragraphs; then those of its parts (the
    sections under it, `index.with_parts`), each under its own heading."""
    parts = []
    for number, section in enumerate(sections):
        body = "\n\n".join(
            _paragraph(n, text, width) for n, text in enumerate(section.paragraphs, start=1)
        )
        heading = f"{document.title}: {section.heading}" if number == 0 else section.heading
        parts.append(printable(heading) + (f"\n\n{body}" if body else ""))  # a text: none
    return "\n\n".join(parts)


def _paragraph(number: int, text: str, width: int) -> str:
    """Paragraph `number` of a section, wrapped under its mark ("¶12  "), its lines after the
    first under its text; fenced code line by line."""
    mark = f"¶{number}  "
    under = " " * len(mark)
    if is_code(text):
        first, *rest = text.split("\n")
        return "\n".join([mark + first, *(under + printable(line) for line in rest)])
    return textwrap.fill(printable(text), width, initial_indent=mark, subsequent_indent=under)


def _location(passage: Passage) -> dict[str, Any]:
    return {
        "document": passage.document,
        "section": passage.section,
        "paragraph": passage.paragraph,
        "passage_id": passage.id,
    }


def _hit(hit: Hit) -> dict[str, Any]:
    return {
        "rank": hit.rank,
        "passage_id": hit.passage.id,
        "document": hit.passage.document,
        "section": hit.passage.section,
        "paragraph": hit.passage.paragraph,
        "score": hit.score,
        "text": hit.passage.text,
    }


def answer_to_dict(answer: Answer) -> dict[str, Any]:
    """The JSON shape in the README ("JSON"): question, answered, confidence, quotes, hits;
    `read_as`, the question as it was looked up, when misspelt words were put right; and
    when it did not answer, `outcome` (why: "not_covered", "empty", "too_long") and
    `declined_because`, when a check declined a confident answer. The confidence is the one
    answering was decided on (trial round 21: a new user had to run `eval` to see it)."""
    return {
        "question": answer.question,
        **({"read_as": answer.read_as} if answer.read_as else {}),
        "answered": answer.answered,
        **({} if answer.answered else {"outcome": answer.outcome.value}),
        "confidence": round(answer.confidence, 4),
        **({"declined_because": answer.declined_because} if answer.declined_because else {}),
        "quotes": [
            {
                "text": q.text,
                **_location(q.passage),
                "score": q.score,
                **({"link": q.link} if q.link else {}),
            }
            for q in answer.quotes
        ],
        "hits": [_hit(h) for h in answer.hits],
    }
