"""Sentence boundaries as character spans, so that quotes stay verbatim substrings."""

from __future__ import annotations

import re

__all__ = ["CODE_FENCE", "code_lines", "is_code", "sentence_spans", "split_sentences"]

# A Markdown essay's fenced code is a paragraph of its own, its lines between fences of
# their own ("```\npip install x\n```"); no other paragraph holds a line break.
CODE_FENCE = "```"

# End punctuation, any closing quotes or brackets, then white space.
_END = re.compile(r"[.!?…]+[\"'”’)\]]*\s+")
# What may open the next sentence: a capital, a digit or an opening quote or bracket.
_STARTS_SENTENCE = re.compile(r"[\"'“‘(\[]?[A-Z0-9\u0400-\u042F]")
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof st sr jr vs etc e.g i.e cf fig no vol pp ed eds gen col lt sgt jan feb "
    "mar apr jun jul aug sep sept oct nov dec inc ltd co corp dept univ approx "
    # a booking's "ref. CDL-88412", "tel. 0161 …", "ext. 204", "incl. VAT", "cl. 4.2"
    "ref refs tel ext incl nr nos vols figs cl para paras ch sec est tues thurs".split()
)


def _is_abbreviation(text: str, end: int) -> bool:
    """Whether the word ending at `end` (just before a full stop) is an abbreviation or initial."""
    start = end
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    word = text[start:end].strip("\"'“‘(").lower()
    return word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha())


def is_code(text: str) -> bool:
    """Whether a paragraph's `text` is fenced code (one "sentence", never indexed)."""
    return text.startswith(f"{CODE_FENCE}\n") and text.endswith(f"\n{CODE_FENCE}")


def code_lines(text: str) -> list[str]:
    """The lines of fenced code `text` (or of a cut piece of it) without its fences."""
    lines = text.split("\n")
    if lines[:1] == [CODE_FENCE]:
        lines = lines[1:]
    if lines[-1:] == [CODE_FENCE]:
        lines = lines[:-1]
    return lines


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Return (start, end) spans of the sentences of `text`, outer white space excluded
    (fenced code is one span, whole)."""
    if is_code(text):
        return [(0, len(text))]
    spans: list[tuple[int, int]] = []
    start = len(text) - len(text.lstrip())
    for match in _END.finditer(text):
        if not _STARTS_SENTENCE.match(text, match.end()):
            continue
        if text[match.start()] == "." and _is_abbreviation(text, match.start()):
            continue
        end = match.end() - (len(match.group()) - len(match.group().rstrip()))
        if end > start:
            spans.append((start, end))
        start = match.end()
    end = len(text.rstrip())
    if end > start:
        spans.append((start, end))
    return spans


def split_sentences(text: str) -> list[str]:
    """Return the sentences of `text` as verbatim substrings."""
    return [text[start:end] for start, end in sentence_spans(text)]
