"""An index's contents as plain data, named numpy arrays and JSON values: nothing that runs code.

`PassageIndex.to_state` and `BM25.to_state` produce a `State`; their `from_state` check it
(dtypes, lengths, every stored position in range) and raise `StateError` on anything that
does not fit, so a foreign or hostile state can be refused instead of failing later.
Strings travel as one array of UTF-8 bytes, each string ended by a NUL (essays have none).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any, TypeVar

import numpy as np
from numpy.typing import DTypeLike, NDArray

from index.documents import Document, Section
from index.passages import Passage

__all__ = ["State", "StateError", "corpus_from_state", "corpus_state", "require"]

Value = str | int | float | bool
T = TypeVar("T", str, int, float, bool)


class StateError(ValueError):
    """A saved state that does not describe a valid index (foreign, corrupt or hostile)."""


def require(condition: bool | np.bool_, what: str) -> None:
    """Raise StateError saying `what` is wrong unless `condition` holds."""
    if not condition:
        raise StateError(f"{what} do not fit the rest of the index")


@dataclass(frozen=True)
class State:
    """Named 1-D numpy arrays and named JSON scalars; names of parts are prefixed `part.`."""

    arrays: dict[str, NDArray[Any]] = field(default_factory=dict)
    values: dict[str, Value] = field(default_factory=dict)

    def with_part(self, prefix: str, part: State) -> State:
        """This state plus `part`'s entries, each named `prefix.name`."""
        arrays = {f"{prefix}.{name}": array for name, array in part.arrays.items()}
        values = {f"{prefix}.{name}": value for name, value in part.values.items()}
        return State(self.arrays | arrays, self.values | values)

    def part(self, prefix: str) -> State:
        """The entries named `prefix.name`, as `name`."""
        start = len(prefix) + 1
        arrays = {k[start:]: a for k, a in self.arrays.items() if k.startswith(f"{prefix}.")}
        values = {k[start:]: v for k, v in self.values.items() if k.startswith(f"{prefix}.")}
        return State(arrays, values)

    def array(self, name: str, dtype: DTypeLike, length: int | None = None) -> NDArray[Any]:
        """The 1-D array `name`, of exactly `dtype` (and `length`), else StateError."""
        array = self.arrays.get(name)
        if array is None:
            raise StateError(f"no array {name!r}")
        want = np.dtype(dtype)
        if array.dtype != want or array.ndim != 1:
            raise StateError(f"array {name!r} is {array.dtype} {array.shape}, not 1-D {want}")
        require(length is None or len(array) == length, f"the {len(array)} entries of {name!r}")
        return array

    def value(self, name: str, kind: type[T]) -> T:
        """The JSON value `name`, of exactly type `kind`, else StateError."""
        value = self.values.get(name)
        if type(value) is not kind:
            raise StateError(f"value {name!r} is {type(value).__name__}, not {kind.__name__}")
        return value

    def strings(self, name: str, count: int | None = None) -> list[str]:
        """The strings stored by `strings_state(name, ...)` (as many as `count`)."""
        try:
            text = str(self.array(name, np.uint8).data, "utf-8")
        except UnicodeDecodeError as error:
            raise StateError(f"the strings {name!r} are not UTF-8 ({error.reason})") from None
        require(not text or text.endswith("\0"), f"the strings {name!r}")
        strings = text.split("\0")[:-1]
        require(count is None or len(strings) == count, f"the {len(strings)} strings {name!r}")
        return strings


def strings_state(name: str, strings: Sequence[str]) -> dict[str, NDArray[Any]]:
    """`strings` as one array of UTF-8 bytes, each string ended by a NUL (quick to split)."""
    text = "".join(f"{s}\0" for s in strings)
    if text.count("\0") != len(strings):
        raise ValueError(f"a string of {name!r} contains a NUL")
    return {name: np.frombuffer(text.encode("utf-8"), dtype=np.uint8)}


def save_arrays(owner: object, saved: Mapping[str, DTypeLike]) -> dict[str, NDArray[Any]]:
    """The attributes `saved` names, as arrays named without their leading underscore."""
    return {name.lstrip("_"): getattr(owner, name) for name in saved}


def load_arrays(owner: object, saved: Mapping[str, DTypeLike], state: State) -> None:
    """Set each attribute `saved` names from `state`, checking its dtype."""
    for name, dtype in saved.items():
        setattr(owner, name, state.array(name.lstrip("_"), dtype))


def corpus_state(documents: Sequence[Document], passages: Sequence[Passage]) -> State:
    """Documents and their passages; a passage is stored as a span of its paragraph."""
    sections = [s for d in documents for s in d.sections]
    paragraphs = [p for s in sections for p in s.paragraphs]
    numbers = [n for s in sections for n in range(1, len(s.paragraphs) + 1)]
    spans = np.empty((len(passages), 3), dtype=np.int64)  # paragraph, start, end
    current, cursor = -1, 0
    for i, passage in enumerate(passages):
        # Passages follow their paragraphs in order: a paragraph, or the parts of a long one,
        # the last part ending where the paragraph's text does.
        if current < 0 or not paragraphs[current][cursor:].strip():
            current, cursor = current + 1, 0
        at = paragraphs[current].find(passage.text, cursor) if current < len(paragraphs) else -1
        if at < 0 or numbers[current] != passage.paragraph:
            raise ValueError(f"passage {passage.id} is not in its paragraph")
        cursor = at + len(passage.text)
        spans[i] = current, at, cursor
    arrays = {
        "sections": np.array([len(d.sections) for d in documents], dtype=np.int64),
        "paragraphs": np.array([len(s.paragraphs) for s in sections], dtype=np.int64),
        "levels": np.array([s.level for s in sections], dtype=np.int64),
        "passage_paragraph": spans[:, 0].copy(),
        "passage_start": spans[:, 1].copy(),
        "passage_end": spans[:, 2].copy(),
    }
    strings = {
        "titles": [d.title for d in documents],
        "slugs": [d.slug for d in documents],
        "urls": [d.url for d in documents],
        "authors": [d.author for d in documents],
        "dates": [d.date for d in documents],
        "headings": [s.heading for s in sections],
        "paragraph_text": paragraphs,
        "passage_ids": [p.id for p in passages],
    }
    for name, values in strings.items():
        arrays |= strings_state(name, values)
    return State(arrays)


def _counts(state: State, name: str, total: int) -> list[int]:
    """How many items each owner has, as a checked list summing to `total`."""
    counts = state.array(name, np.int64)
    require(bool(np.all(counts >= 0)) and int(counts.sum()) == total, f"the counts {name!r}")
    return counts.tolist()  # type: ignore[no-any-return]


def corpus_from_state(state: State) -> tuple[tuple[Document, ...], tuple[Passage, ...]]:
    """The documents and passages `corpus_state` stored, checked."""
    titles = state.strings("titles")
    slugs, urls = state.strings("slugs", len(titles)), state.strings("urls", len(titles))
    authors = state.strings("authors", len(titles))
    dates = state.strings("dates", len(titles))
    headings = state.strings("headings")
    text = state.strings("paragraph_text")
    per_document = _counts(state, "sections", len(headings))
    require(len(per_document) == len(titles), "the section counts")
    per_section = _counts(state, "paragraphs", len(text))
    bounds = [0, *np.cumsum(per_section, dtype=np.int64).tolist()]
    levels = state.array("levels", np.int64, len(headings))
    require(bool(np.all((levels >= 0) & (levels <= 6))), "the heading levels")
    sections = [
        Section(heading, tuple(text[a:b]), level)
        for heading, (a, b), level in zip(headings, pairwise(bounds), levels.tolist(), strict=True)
    ]
    document_bounds = [0, *np.cumsum(per_document, dtype=np.int64).tolist()]
    documents = tuple(
        Document(title, slug, tuple(sections[a:b]), url, author, date)
        for title, slug, url, author, date, (a, b) in zip(
            titles, slugs, urls, authors, dates, pairwise(document_bounds), strict=True
        )
    )
    ids = state.strings("passage_ids")
    paragraph = state.array("passage_paragraph", np.int64, len(ids))
    start = state.array("passage_start", np.int64, len(ids))
    end = state.array("passage_end", np.int64, len(ids))
    require(not len(ids) or (paragraph.min() >= 0 and paragraph.max() < len(text)), "paragraphs")
    lengths = np.fromiter(map(len, text), dtype=np.int64, count=len(text))[paragraph]
    require(bool(np.all((start >= 0) & (start <= end) & (end <= lengths))), "passage spans")
    section_of = np.repeat(np.arange(len(sections)), per_section)[paragraph]
    section_title = [d.title for d in documents for _ in d.sections]
    number_of = (np.arange(len(text)) - np.repeat(bounds[:-1], per_section) + 1)[paragraph]
    texts = list(map(text.__getitem__, paragraph.tolist()))
    for i in np.flatnonzero((start > 0) | (end < lengths)).tolist():  # parts of long ones
        texts[i] = texts[i][start[i] : end[i]]
    passages = tuple(
        map(
            Passage,
            ids,
            map(section_title.__getitem__, section_of.tolist()),
            map(headings.__getitem__, section_of.tolist()),
            number_of.tolist(),
            texts,
        )
    )
    return documents, passages
