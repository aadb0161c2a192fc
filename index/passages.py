"""Passages: the units that are ranked and quoted, one per paragraph (long ones split)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from index.documents import Document
from index.parsing import slugify
from index.sentences import CODE_FENCE, code_lines, is_code, sentence_spans

__all__ = ["MAX_PASSAGE_WORDS", "Passage", "split_passages"]

MAX_PASSAGE_WORDS = 250
_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class Passage:
    """A paragraph (or a part of a very long one) with a stable id and its citation parts."""

    id: str
    document: str
    section: str
    paragraph: int
    text: str


def _parts(text: str, max_words: int) -> list[str]:
    """Split a long paragraph at sentence boundaries into parts of at most ~max_words words."""
    if len(text.split()) <= max_words:
        return [text]
    if is_code(text):
        return _code_parts(text, max_words)
    parts: list[str] = []
    start = words = 0
    for begin, count in _pieces(text, max_words):
        if words and words + count > max_words:
            parts.append(text[start:begin].strip())
            start, words = begin, 0
        words += count
    parts.append(text[start:].strip())
    return parts


def _code_parts(text: str, max_words: int) -> list[str]:
    """Long fenced code in parts of whole lines, each fenced, of at most ~max_words words."""
    parts: list[list[str]] = [[]]
    words = 0
    for line in code_lines(text):
        count = len(line.split())
        if parts[-1] and words + count > max_words:
            parts.append([])
            words = 0
        parts[-1].append(line)
        words += count
    return [f"{CODE_FENCE}\n" + "\n".join(lines) + f"\n{CODE_FENCE}" for lines in parts]


def _pieces(text: str, max_words: int) -> Iterator[tuple[int, int]]:
    """Where each sentence of `text` starts, and its words; a sentence longer than
    `max_words` (a file of one line and no full stop) in pieces of `max_words` words, so
    that no passage, and no quote, is longer."""
    for begin, end in sentence_spans(text):
        starts = [word.start() for word in _WORD.finditer(text, begin, end)]
        for first in range(0, len(starts), max_words):
            yield starts[first], len(starts[first : first + max_words])


def _document_passages(document: Document, max_words: int) -> Iterator[Passage]:
    seen: Counter[str] = Counter()
    for section in document.sections:
        slug = slugify(section.heading)
        seen[slug] += 1
        if seen[slug] > 1:  # two sections with the same heading keep distinct ids
            slug = f"{slug}-{seen[slug]}"
        for number, paragraph in enumerate(section.paragraphs, start=1):
            parts = _parts(paragraph, max_words)
            for part_number, text in enumerate(parts, start=1):
                suffix = f".{part_number}" if len(parts) > 1 else ""
                yield Passage(
                    id=f"{document.slug}/{slug}/{number}{suffix}",
                    document=document.title,
                    section=section.heading,
                    paragraph=number,
                    text=text,
                )


def split_passages(
    documents: Sequence[Document], max_words: int = MAX_PASSAGE_WORDS
) -> list[Passage]:
    """All passages of `documents`, in corpus order."""
    return [p for document in documents for p in _document_passages(document, max_words)]
