"""An index saved as plain data (`to_state`) comes back equal; a state not fitting is refused."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from index import Document, PassageIndex, Section, load_documents
from index.state import State, StateError
from tests.helpers import SEEDS

QUESTIONS = [
    "Why did relations with Belarus sour?",
    "Belarusian gas prices",
    "café espresso in Zürich",
    "русский текст",
    "bees dance flowers",
    "notes",
    "what it is",
    "an unknown wordd",
]

EDGE_ESSAYS = {
    # Unicode throughout: accents, Cyrillic, Japanese, an emoji, curly quotes.
    "unicode.md": "---\nurl: https://example.org/ünïcode\n---\n"
    "# Ünïcode — 日本語 🐝\n\n## Café\n\nNaïve café-goers drink “espresso” in "
    "Zürich. Вот русский текст. 東京は大きい。\n\n## Notes\n\nFirst notes.\n\n## Notes\n\n"
    "Second notes, under the same heading.\n",
    # A paragraph of stopwords and one of punctuation: sentences with no terms at all.
    "stop.txt": "It is what it is.\n\n— … —\n",
    # A paragraph long enough to be split into parts.
    "long.txt": "Bees dance to show where the flowers are. " * 60,
}


def _edge_documents(tmp_path: Path) -> list[Document]:
    folder = tmp_path / "edge"
    folder.mkdir()
    for name, text in EDGE_ESSAYS.items():
        (folder / name).write_text(text, encoding="utf-8")
    # An empty paragraph and a section without any, which only a caller can make.
    made = Document("Made", "made", (Section("Empty", ("",)), Section("None", ())))
    return [*load_documents(folder), made]


def _one_passage(tmp_path: Path) -> list[Document]:
    (tmp_path / "one.txt").write_text("A single paragraph about bees.\n", encoding="utf-8")
    return load_documents(tmp_path / "one.txt")


CORPORA: dict[str, Callable[[Path], list[Document]]] = {
    "shipped essay": lambda _: load_documents(SEEDS),
    "edge cases": _edge_documents,
    "one passage": _one_passage,
}


def assert_same_index(loaded: PassageIndex, built: PassageIndex) -> None:
    """Same documents, passages, search results (the same floats), and statistics."""
    assert loaded.documents == built.documents
    assert loaded.passages == built.passages
    assert loaded.sentence_weight == built.sentence_weight
    for question in QUESTIONS:
        found = [(h.passage, h.score, h.rank) for h in loaded.search(question, 5)]
        assert found == [(h.passage, h.score, h.rank) for h in built.search(question, 5)]
        assert loaded.query(question) == built.query(question)
        for passage in built.passages[:20]:
            assert loaded.score(question, passage) == built.score(question, passage)
    for term in {t for p in built.passages for t in built.indexed_terms(p)}:
        assert term in loaded
        assert loaded.idf(term) == built.idf(term)
    for passage in built.passages:
        assert loaded.home(passage, 0, len(passage.text)) == built.home(
            passage, 0, len(passage.text)
        )
    # Whatever a build sets, loading sets too (an attribute added later must be saved); the
    # caches made on first use are not saved.
    made_on_use = {"words", "_indexed", "_shared_headings"}
    assert vars(loaded).keys() - made_on_use == vars(built).keys() - made_on_use
    for part in ("_bm25", "_sentence_bm25"):
        assert vars(getattr(loaded, part)).keys() == vars(getattr(built, part)).keys()
        assert getattr(loaded, part).degenerate == getattr(built, part).degenerate
    saved, again = built.to_state(), loaded.to_state()
    assert saved.values == again.values
    assert saved.arrays.keys() == again.arrays.keys()
    for name, array in saved.arrays.items():
        assert array.dtype == again.arrays[name].dtype
        assert np.array_equal(array, again.arrays[name]), name


@pytest.mark.parametrize("corpus", CORPORA)
def test_an_index_from_its_state_equals_the_index_built(corpus: str, tmp_path: Path) -> None:
    built = PassageIndex(CORPORA[corpus](tmp_path))
    assert_same_index(PassageIndex.from_state(built.to_state()), built)


def test_the_edge_corpus_has_the_edge_cases(tmp_path: Path) -> None:
    index = PassageIndex(_edge_documents(tmp_path))
    ids = [p.id for p in index.passages]
    assert "unicode/notes/1" in ids and "unicode/notes-2/1" in ids
    assert "long/introduction/1.2" in ids  # a paragraph split into parts
    assert any(p.text == "" for p in index.passages)
    assert "https://example.org/ünïcode" in {d.url for d in index.documents}
    assert any(not index.terms(p.text) for p in index.passages if p.text)  # no terms at all


def _set(name: str, value: object) -> Callable[[State], State]:
    def edit(state: State) -> State:
        if isinstance(value, np.ndarray):
            return State(state.arrays | {name: value}, state.values)
        return State(state.arrays, state.values | {name: value})  # type: ignore[arg-type]

    return edit


def _drop(name: str) -> Callable[[State], State]:
    return lambda s: State({k: v for k, v in s.arrays.items() if k != name}, s.values)


def _changed(name: str, change: Callable[[np.ndarray], np.ndarray]) -> Callable[[State], State]:
    return lambda s: _set(name, change(s.arrays[name].copy()))(s)


def _at(position: int, value: int) -> Callable[[np.ndarray], np.ndarray]:
    def change(array: np.ndarray) -> np.ndarray:
        array[position] = value
        return array

    return change


HOSTILE: dict[str, Callable[[State], State]] = {
    "a posting past the last passage": _changed("bm25.passages", _at(0, 10**6)),
    "a negative posting": _changed("sentence_bm25.passages", _at(-1, -1)),
    "term starts past the postings": _changed("bm25.starts", _at(-1, 10**9)),
    "term starts going back": _changed("bm25.starts", _at(1, -5)),
    "a term without postings": _changed("bm25.starts", _at(1, 0)),
    "a weight that is not a number": _changed("bm25.weights", lambda a: a * np.nan),
    "postings of another dtype": _changed("bm25.passages", lambda a: a.astype(np.int64)),
    "a 2-D array": _changed("bm25.weights", lambda a: a.reshape(1, -1)),
    "a missing array": _drop("sentence_bm25.weights"),
    "fewer weights than postings": _changed("bm25.weights", lambda a: a[:-1]),
    "a passage without sentences": _changed("first_sentence", _at(1, 0)),
    "more sentences than the BM25 has": _changed("first_sentence", lambda a: a + 1),
    "a huge sentence count": _set("sentence_bm25.size", 10**12),
    "more sentences than characters": lambda s: _set("sentence_bm25.size", 10**12)(
        _changed("first_sentence", _at(-1, 10**12))(s)
    ),
    "a passage of another paragraph": _changed("passage_paragraph", _at(0, 10**6)),
    "a passage beyond its paragraph": _changed("passage_end", _at(0, 10**6)),
    "a passage starting after it ends": _changed("passage_start", _at(0, 10**6)),
    "section counts not summing up": _changed("sections", _at(0, 10**6)),
    "negative paragraph counts": _changed("paragraphs", lambda a: -a),
    "strings that are not UTF-8": _set("titles", np.frombuffer(b"\xff\xfe\0", np.uint8)),
    "strings without their ending": _changed("passage_ids", lambda a: a[:-1]),
    "one string too many": _changed("slugs", lambda a: np.append(a, [97, 0]).astype(np.uint8)),
    "a size that is text": _set("bm25.size", "18"),
    "a weight that is an integer": _set("sentence_weight", 3),
    "a missing value": lambda s: State(s.arrays, {}),
    "a sentence past its passage's end": _changed("span_end", _at(0, 10**6)),
    "a sentence ending where it starts": _changed("span_end", lambda a: a * 0),
    "sentence counts not summing up": _changed("span_count", _at(0, 10**6)),
    "a home in no passage": _changed("home", _at(0, 10**6)),
    "a home past its passage's end": _changed("home_end", _at(0, 10**6)),
    "homes of different lengths": _changed("home_start", lambda a: a[:-1]),
}


@pytest.mark.parametrize("hostile", HOSTILE)
def test_a_state_that_does_not_fit_is_refused(hostile: str, seed_index: PassageIndex) -> None:
    state = HOSTILE[hostile](seed_index.to_state())
    with pytest.raises(StateError):
        PassageIndex.from_state(state)


def test_a_string_with_a_nul_is_not_saved() -> None:
    documents = [Document("Nul\0title", "nul", (Section("Body", ("Some text.",)),))]
    with pytest.raises(ValueError, match="NUL"):
        PassageIndex(documents).to_state()
