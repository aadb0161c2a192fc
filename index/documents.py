"""Value types for parsed essays: documents made of sections made of paragraphs."""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

from index.analyzer import normalize
from index.patterns import lazy

__all__ = [
    "PARENT_MARK",
    "Document",
    "Section",
    "find_sections",
    "heading_name",
    "own_heading",
    "with_parts",
]

_NUMBERED = lazy(r"(\d{1,6})\.(\d{1,6})")
_NUMBER = lazy(r"\d{1,6}\.?")
# Words a heading's own number may follow: "Article 4 - Plot rules", "Chapter 3: Rain".
HEADING_LABELS = "(?:article|chapter|part|section|clause|schedule|rule|step|lesson|letter|day)"
# Between a parent's heading and its part's, in the name of a section sharing its heading with
# another of its essay (index.parsing): a single right-pointing angle quotation mark.
PARENT_MARK = " \u203a "
_DASHES = str.maketrans(dict.fromkeys("-\u2010\u2011\u2012\u2013\u2014\u203a>", " "))


def own_heading(heading: str) -> str:
    """A section's heading without the parent's heading it may be named with (PARENT_MARK
    between them): "Method" of the colcannon's."""
    return heading.rpartition(PARENT_MARK)[2]


@dataclass(frozen=True)
class Section:
    """A run of paragraphs under one heading ("Introduction" before the first heading); a
    Markdown heading's `level` (1 for `#`; 0 when not known, as in plain text)."""

    heading: str
    paragraphs: tuple[str, ...]
    level: int = 0


def with_parts(document: Document, section: Section) -> Iterator[Section]:
    """`section` and the sections of `document` under it: those after it of a deeper level,
    up to the next of its level or higher ("Brown Soda Bread", then its "Ingredients" and
    "Method"); lazily, so a reader may stop early. `section` may be a heading with no text of
    its own, which no section holds (`find_sections` gives it): then its parts alone."""
    yield section
    if not section.level:
        return
    own = own_heading(section.heading)
    at = next((i for i, s in enumerate(document.sections) if s is section), None)
    if at is None:  # a heading with no text: from its first part on
        at = next(i for i, s in enumerate(document.sections) if _parent(s) == own) - 1
    for after in itertools.islice(document.sections, at + 1, None):
        parent = _parent(after)
        # a part named with the heading of a parent with no text (dropped), a sibling of
        # `section` or higher, is none of its parts ("Kelder Bridge" of "Landmarks", after
        # "Timeline")
        if after.level <= section.level or (
            parent and parent != own and after.level - 1 <= section.level
        ):
            return
        yield after


def _parent(section: Section) -> str:
    """The own heading of the parent `section` is named with ("" when none)."""
    parent, _, _ = section.heading.rpartition(PARENT_MARK)
    return own_heading(parent)


@dataclass(frozen=True)
class Document:
    """One essay: its title, a stable slug (from the file name), its sections, where it is
    published (`url:` in its front matter; "" when not given), who its front matter says
    wrote it (`author:`) and when (`date:`, as written; "" when not given)."""

    title: str
    slug: str
    sections: tuple[Section, ...]
    url: str = ""
    author: str = ""
    date: str = ""

    @property
    def paragraph_count(self) -> int:
        """How many paragraphs the essay has, across all sections."""
        return sum(len(section.paragraphs) for section in self.sections)


def find_sections(documents: Sequence[Document], name: str) -> list[tuple[Document, Section]]:
    """Sections named `name`, case-insensitively: "2.3" is the heading numbered so (a
    numbered essay's "2.3 Problems", "Article 2.3"), or when none is, the third section of
    the second essay (as the table of contents numbers them; "3" or "3." is the third of one
    essay's, unless a heading is numbered "3." or "Article 3"); "Title: heading"
    looks only in the essays whose title is (or starts with) "Title"; else exact headings,
    else those it is a prefix of, else the sections of the essays whose title it is or starts.
    """
    wanted = _fold(name)
    number = _NUMBERED.fullmatch(wanted)
    if len(documents) == 1 and _NUMBER.fullmatch(wanted):
        wanted = wanted.rstrip(".")
        number = _NUMBERED.fullmatch(f"1.{wanted}")
    if number:
        d, s = int(number.group(1)) - 1, int(number.group(2)) - 1
        found = []
        if 0 <= d < len(documents) and 0 <= s < len(documents[d].sections):
            found.append((documents[d], documents[d].sections[s]))
        # ... unless headings are numbered so ("2.1 Method", "5. Health and safety",
        # "ARTICLE 4 - PLOT RULES"): their own numbers are what a reader of the essay types
        own = lazy(rf"(([^\W\d_]+)\s+)?{re.escape(wanted)}(?![^\s.):\-–—])(?!\.\d)")
        numbered: list[tuple[Document, Section]] = []
        labels: dict[str, set[str]] = {}  # read only for an essay with a heading so numbered
        parents: set[tuple[str, str]] = set()
        for document, section, _, own_folded, parent in _folded(documents)[1]:
            # its own number ("2.3 Cameras and checks" under "2. Methods"), or its parent's,
            # a heading with no text whose parts it names ("2" for "2. Methods")
            for heading, is_own in ((own_folded, True), (parent, False)):
                found_own = own.match(heading) if heading else None
                if found_own is None:
                    continue
                if found_own[2] is not None:
                    if document.slug not in labels:
                        labels[document.slug] = _labels(document)
                    if found_own[2] not in labels[document.slug]:
                        continue
                if is_own:
                    numbered.append((document, section))
                elif (key := (document.slug, heading)) not in parents:
                    parents.add(key)
                    name = section.heading.rpartition(PARENT_MARK)[0]
                    numbered.append((document, Section(name, (), section.level - 1)))
                break
        return numbered or found
    titles = _folded(documents)[0]
    longest = max(map(len, titles), default=0)
    # Only a colon within the longest title's length can end a title (or its start), so the
    # work is bounded whatever is typed: "::::…" 6,000 long took 1.2 s over 1,000 essays.
    for colon in (i for i, c in enumerate(wanted[: longest + 2]) if c == ":"):
        title, heading = wanted[:colon].strip(), wanted[colon + 1 :].strip()
        named = [d for d, t in zip(documents, titles, strict=True) if t == title] or [
            d for d, t in zip(documents, titles, strict=True) if title and t.startswith(title)
        ]
        found = _by_heading(named, heading)
        if found:
            return found
    found = _by_heading(documents, wanted)
    if found or not wanted:
        return found
    # An essay's title (or its start), alone: its sections, to choose from ("The Flour")
    named = [d for d, t in zip(documents, titles, strict=True) if t.startswith(wanted)]
    return [(d, s) for d in named for s in d.sections]


_LABELS = lazy(HEADING_LABELS, re.IGNORECASE)
# A heading's first word followed by a number: "Room 5: Trade and Empire", "Gallery 2 - Maps".
_LABEL_NUMBER = lazy(r"([^\W\d_]+)\s+\d{1,3}(?:\.\d{1,3})*(?![^\s.):\-–—])")


def _labels(document: Document) -> set[str]:
    """The words that number `document`'s headings (folded): the usual labels ("article 4",
    "chapter 3"), and any word numbering two headings or more ("Room 1: ...", "Room 2: ...")."""
    counts: dict[str, int] = {}
    for section in document.sections:
        if label := _LABEL_NUMBER.match(_fold(section.heading)):
            counts[label[1]] = counts.get(label[1], 0) + 1
    return {w for w, n in counts.items() if n >= 2 or _LABELS.fullmatch(w)}


def _by_heading(documents: Sequence[Document], wanted: str) -> list[tuple[Document, Section]]:
    """Sections whose heading, or its own part after its parent's (`PARENT_MARK`), is
    `wanted` ("background" for either of two "Background" sections); else starts with it."""
    sections = _folded(documents)[1]
    exact = [(d, s) for d, s, full, own, _ in sections if wanted in (full, own)]
    if exact or not wanted:
        return exact
    # a heading with no text of its own names its parts ("Landmarks" of its "Kelder Bridge"): it
    # is found as itself, with no paragraphs, and `with_parts` gives them
    parents = _parents_of([(d, s) for d, s, _, _, parent in sections if parent == wanted])
    if parents:
        return parents
    # ... or its name after its own number or article ("treasurer" for "3. Treasurer's
    # report", "wrayness" for "The Wrayness Ferry at Dusk": a reader types its name; trial
    # rounds 20 and 21)
    found = [
        (d, s, own, parent)
        for d, s, full, own, parent in sections
        if full.startswith(wanted) or own.startswith(wanted) or heading_name(own).startswith(wanted)
    ]
    # a parent found with its parts is found alone: it prints with them (`with_parts`), and
    # "cheese" names "Cheese Scones", not also its "Ingredients" and "Method" (trial round 20);
    # so is one with no text of its own, which only its parts' headings name: "person" names
    # "Person specification", not its "Essential criteria" and "Desirable criteria" (round 22)
    named = {(d.slug, own) for d, _, own, _ in found}
    textless = [
        (d, s, parent)
        for d, s, _, parent in found
        if parent
        and (d.slug, parent) not in named
        and (parent.startswith(wanted) or heading_name(parent).startswith(wanted))
    ]
    named |= {(d.slug, parent) for d, _, parent in textless}
    return _parents_of([(d, s) for d, s, _ in textless]) + [
        (d, s) for d, s, _, parent in found if (d.slug, parent) not in named
    ]


def _parents_of(parts: Sequence[tuple[Document, Section]]) -> list[tuple[Document, Section]]:
    """The headings with no text of their own that `parts` are under, once each, as sections
    with no paragraphs (`with_parts` gives them their parts)."""
    parents = {(d.slug, s.heading.rpartition(PARENT_MARK)[0], s.level - 1): d for d, s in parts}
    return [(d, Section(name, (), level)) for (_, name, level), d in parents.items()]


# The number or article a heading opens with: "3. " of "3. Treasurer's report", "2.1 " of
# "2.1 Method", "the " of "The Wrayness Ferry at Dusk" (folded: lower case).
_HEADING_OPENING = lazy(r"(?:\d{1,6}(?:\.\d{1,6})*[.)]?\s+)?(?:(?:the|an?)\s+)?")


def heading_name(heading: str) -> str:
    """A folded (or lower-case) `heading` without the number and the article it opens with,
    if any: "treasurer's report" of "3. treasurer's report"."""
    opening = _HEADING_OPENING.match(heading)
    return heading[opening.end() :] if opening else heading


# The last essays looked in, their titles and headings folded: a lookup over 18,000 headings
# took 13 ms folding them again, from worker threads whose hold on the GIL stalled Discord's
# loop. Kept only for what cannot change (a tuple: the index's).
_Folded = tuple[list[str], list[tuple[Document, Section, str, str, str]]]
_LAST: list[tuple[Sequence[Document], _Folded]] = []


def _folded(documents: Sequence[Document]) -> _Folded:
    """The titles of `documents`, and each section with its heading, own heading and
    parent's, folded."""
    last = _LAST[:1]
    if last and last[0][0] is documents:
        return last[0][1]
    titles = [_fold(d.title) for d in documents]
    headings = [
        (d, s, _fold(s.heading), _fold(own_heading(s.heading)), _fold(_parent(s)))
        for d in documents
        for s in d.sections
    ]
    if isinstance(documents, tuple):
        _LAST[:] = [(documents, (titles, headings))]
    return titles, headings


@lru_cache(maxsize=1 << 16)  # every heading, on every lookup: 1,000 essays took 22 ms
def _fold(name: str) -> str:
    """`name` as typed or as written compared: case, accents, apostrophes (straight or
    curly), dashes and runs of spaces aside ("les debuts" is "Les débuts", "chairs report" is
    "Chair's report", "the 3 2 1 rule" is "The 3-2-1 rule"; ">" stands for `PARENT_MARK`)."""
    folded = unicodedata.normalize("NFKD", normalize(name).replace("'", "").translate(_DASHES))
    return " ".join("".join(c for c in folded if not unicodedata.combining(c)).split())
