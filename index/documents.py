"""Value types for parsed essays: documents made of sections made of paragraphs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Document", "Section", "find_sections"]


@dataclass(frozen=True)
class Section:
    """A run of paragraphs under one heading ("Introduction" before the first heading)."""

    heading: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class Document:
    """One essay: its title, a stable slug (from the file name), its sections, and where it is
    published (`url:` in its front matter; "" when not given)."""

    title: str
    slug: str
    sections: tuple[Section, ...]
    url: str = ""

    @property
    def paragraph_count(self) -> int:
        """How many paragraphs the essay has, across all sections."""
        return sum(len(section.paragraphs) for section in self.sections)


def find_sections(documents: Sequence[Document], name: str) -> list[tuple[Document, Section]]:
    """Sections named `name`: exact (case-insensitive) matches, else those it is a prefix of."""
    wanted = " ".join(name.casefold().split())
    sections = [(d, s) for d in documents for s in d.sections]
    exact = [(d, s) for d, s in sections if s.heading.casefold() == wanted]
    if exact or not wanted:
        return exact
    return [(d, s) for d, s in sections if s.heading.casefold().startswith(wanted)]
