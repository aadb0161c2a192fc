"""Sentence vectors computed once, ever: kept by sentence text, on disk beside the index cache.

A question then embeds only itself and the sentences never seen before. Rows are keyed by
a hash of the sentence's text (bot/vector_files.py), not by position in one corpus, so the
same store serves the shipped essay (too small for the index cache) and 100,000 passages,
and survives editing an essay: only the sentences changed are embedded again. Vectors are
the encoder's float32 rows, stored as they are, so a similarity is the same float whether
its vectors were embedded just now, at build or in an earlier run; each runtime (numpy, ONNX
Runtime) keeps its own store, as their floats differ in the seventh digit.

`open_vectors` embeds every sentence of a corpus of up to `BUILD_LIMIT` sentences when the
index is loaded (once: the next start reads them); a bigger corpus has its sentences
embedded the first time a question weighs their passage. Front ends call `save`: after
answers in batches, at exit, and periodically for Discord.
"""

from __future__ import annotations

import hashlib
import logging
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from bot import similarity
from bot.similarity import WIDTH, Vectors, nearest, nearest_headed
from bot.vector_files import Keys, read_segments, remove_segments, store_folder, write_segment
from index import PassageIndex, read_heading

__all__ = ["BUILD_LIMIT", "SAVE_BATCH", "SentenceVectors", "corpus_sentences", "open_vectors"]

log = logging.getLogger(__name__)

# Corpora of up to this many sentences are embedded whole when first indexed. One at a time
# (as on the question path, so the floats are the same) a sentence of English prose took
# 10 ms here (the shipped essay's 63 in 0.65 s, load average 1.4) and one of the generated
# benchmark essays 27 ms: at most about 20-55 s, once. Above it, sentences embed on first use.
BUILD_LIMIT = 2_000
# Rows embedded on first use are written once this many wait (1.5 KB each), and at exit.
SAVE_BATCH = 500
# Segments a store may grow to before they are merged into one (dropping sentences no
# longer in the essays): each save adds one, and a start reads them all.
_MAX_SEGMENTS = 16
_QUESTIONS = 1_024  # questions' vectors kept: a question is weighed against several passages


def _key(text: str) -> int:
    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "little")


def _keys(texts: Iterable[str]) -> Keys:
    return np.fromiter(map(_key, texts), np.uint64)


def _among(keys: Keys, known: Keys) -> tuple[NDArray[np.intp], NDArray[np.bool_]]:
    """Where each of `keys` is or would be in `known` (sorted), and whether it is there: what
    np.isin says, without np.isin's import of numpy.ma (20 ms of a cold ask)."""
    at = np.searchsorted(known, keys).clip(max=max(len(known) - 1, 0))
    return at, (known[at] == keys if len(known) else np.zeros(len(keys), np.bool_))


def corpus_sentences(index: PassageIndex) -> Iterator[str]:
    """Every sentence of the essays, as the answerer weighs them (`PassageIndex.spans`), and
    every heading they are read under (`index.read_heading`)."""
    headings: set[str] = set()
    for passage in index.passages:
        for start, end in index.spans(passage):
            yield passage.text[start:end]
        if (heading := read_heading(passage.section)) and heading not in headings:
            headings.add(heading)
            yield heading


class SentenceVectors:
    """Vectors of sentences by their text: those stored in `folder` (none without one) and
    those embedded since; `corpus` lists the sentences still worth keeping when merging."""

    def __init__(
        self,
        folder: Path | None = None,
        model: str = "",
        corpus: Callable[[], Iterable[str]] | None = None,
    ) -> None:
        self.folder, self.model, self.corpus = folder, model, corpus
        # Rows read at start or merged, by sorted key; replaced whole, never changed.
        self._stored: tuple[Keys, Vectors] = (np.empty(0, np.uint64), np.empty((0, WIDTH), "f4"))
        self._added: dict[int, Vectors] = {}  # embedded by this process
        self._unsaved: list[int] = []
        self._segments: list[Path] = []  # on disk, read or written by this process
        self._stale = False  # rows of sentences no longer in the essays are stored
        self._warned = False  # that they cannot be saved
        self._questions: OrderedDict[str, Vectors] = OrderedDict()
        self._lock = threading.Lock()  # answers are composed in worker threads (Discord)
        self._saving = threading.Lock()

    def load(self) -> None:
        """Read the rows stored in `folder`."""
        if self.folder is None or not self.folder.is_dir():
            return
        segments = read_segments(self.folder, self.model)
        if not segments:
            return
        keys = np.concatenate([s.keys for s in segments])
        if len(segments) == 1 and bool(np.all(keys[1:] > keys[:-1])):
            self._stored = keys, segments[0].vectors  # as merged: no copy
        else:
            unique, first = np.unique(keys, return_index=True)
            self._stored = unique, np.concatenate([s.vectors for s in segments])[first]
        self._segments = [s.path for s in segments]

    def __len__(self) -> int:
        """How many sentences have a vector."""
        return len(self._stored[0]) + len(self._added)

    @property
    def unsaved(self) -> int:
        """Rows embedded since the last save."""
        return len(self._unsaved)

    def similarity(self, question: str, sentences: Sequence[str], heading: str = "") -> float:
        """The highest cosine between `question` and any of `sentences` (0.0 for none), each
        read alone and under `heading` if given: the Answerer's `Similarity`, the same floats
        as bot.similarity.best_similarity."""
        if not sentences:
            return 0.0
        vectors = np.stack([self._question(question), *self.vectors(sentences)])
        return nearest_headed(vectors, self.vectors([heading])[0]) if heading else nearest(vectors)

    def _question(self, question: str) -> Vectors:
        with self._lock:
            vector = self._questions.get(question)
            if vector is not None:
                self._questions.move_to_end(question)
                return vector
        vector = similarity.embed_question(question)
        with self._lock:
            self._questions[question] = vector
            while len(self._questions) > _QUESTIONS:
                self._questions.popitem(last=False)
        return vector

    def vectors(self, sentences: Sequence[str]) -> list[Vectors]:
        """The vector of each of `sentences`, embedding those never seen."""
        keys, (known, rows) = _keys(sentences), self._stored
        at, stored = _among(keys, known)
        found = []
        for text, key, row, is_stored in zip(sentences, keys.tolist(), at, stored, strict=True):
            if is_stored:
                found.append(rows[row])
            elif (vector := self._known(key)) is not None:
                found.append(vector)
            else:  # embedded outside the lock: other threads answer meanwhile
                found.append(self._add(key, similarity.embed_one(text)))
        return found

    def _known(self, key: int) -> Vectors | None:
        """The vector of `key` if this process has it: added, or stored by a merge since
        the caller looked (so it is not embedded twice)."""
        with self._lock:
            if (vector := self._added.get(key)) is not None:
                return vector
            known, rows = self._stored
        at, stored = _among(np.array([key], np.uint64), known)
        return rows[at[0]] if stored[0] else None

    def _add(self, key: int, vector: Vectors) -> Vectors:
        with self._lock:
            if key not in self._added:  # another thread may have embedded it meanwhile
                self._added[key] = vector
                self._unsaved.append(key)
            return self._added[key]

    def fill(self, sentences: Iterable[str], progress: Callable[[int, int], None] | None) -> int:
        """Embed each of `sentences` not stored yet, telling `progress(done, total)`; how many
        were. `sentences` are the whole corpus: stored rows of others are dropped at save."""
        texts = list(dict.fromkeys(sentences))
        keys, known = _keys(texts), self._stored[0]
        stored = _among(keys, known)[1]
        missing = [(t, k) for t, k, s in zip(texts, keys.tolist(), stored, strict=True) if not s]
        self._stale = int(stored.sum()) < len(known)
        for done, (text, key) in enumerate(missing, start=1):
            if key not in self._added:
                self._add(key, similarity.embed_one(text))
            if progress and (done % 10 == 0 or done == len(missing)):
                progress(done, len(missing))
            if done % SAVE_BATCH == 0:  # an interrupted fill keeps what it embedded
                self.save(at_least=SAVE_BATCH)
        return len(missing)

    def save(self, at_least: int = 1) -> None:
        """Write the rows embedded since the last save, when there are `at_least`; merge the
        store into one segment when it has grown to many, or keeps rows of old sentences."""
        if self.folder is None:
            return
        with self._saving:
            if len(self._segments) >= _MAX_SEGMENTS or self._stale:
                self._merge()
            elif self._unsaved and len(self._unsaved) >= at_least:
                self._write_unsaved()

    def writable(self) -> bool:
        """Whether rows can be saved in the store's folder (made if missing); said once if not."""
        if self.folder is None:
            return False
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryFile(dir=self.folder):
                return True
        except OSError as error:
            self._not_saved(error)
            return False

    def _not_saved(self, error: Exception) -> None:
        """Say once per process that the vectors cannot be saved, and what that costs."""
        if not self._warned:
            self._warned = True
            log.warning(
                "could not save sentence vectors in %s (%s); sentences are embedded again, "
                "as questions need them, after every start: make ESSAYBOT_CACHE_DIR a folder "
                "this user can write",
                self.folder,
                error,
            )

    def _write_unsaved(self) -> None:
        with self._lock:
            keys = list(self._unsaved)
            vectors = np.stack([self._added[k] for k in keys])
        try:
            assert self.folder is not None
            self._segments.append(write_segment(self.folder, self.model, _array(keys), vectors))
        except (OSError, ValueError) as error:
            self._not_saved(error)
            return
        with self._lock:
            del self._unsaved[: len(keys)]

    def _merge(self) -> None:
        """One segment of every row still of the essays, in place of those this process knows."""
        with self._lock:
            added = list(self._added)
            keys = np.concatenate([self._stored[0], _array(added)])
            rows = [self._stored[1], *(self._added[k][None] for k in added)]
            del self._unsaved[:]
        vectors = np.concatenate(rows)
        if self.corpus is not None:
            keep = _among(keys, np.sort(_keys(self.corpus())))[1]
            keys, vectors = keys[keep], vectors[keep]
        order = np.argsort(keys)
        keys, vectors = keys[order], vectors[order]
        try:
            assert self.folder is not None
            merged = write_segment(self.folder, self.model, keys, vectors)
        except (OSError, ValueError) as error:
            self._not_saved(error)
            with self._lock:
                self._unsaved[:0] = added  # try again at the next save
            return
        remove_segments(self._segments)
        with self._lock:  # one array in place of many rows; rows added meanwhile stay added
            self._stored = keys, vectors
            for key in added:
                del self._added[key]
        self._segments, self._stale = [merged], False


def _array(keys: list[int]) -> Keys:
    return np.array(keys, dtype=np.uint64).reshape(-1)


def open_vectors(
    index: PassageIndex,
    seeds: Path,
    cache_dir: Path | None,
    progress: Callable[[int, int], None] | None = None,
    *,
    build_limit: int = BUILD_LIMIT,
) -> SentenceVectors:
    """The sentence vectors of `index` (the essays of `seeds`), read from `cache_dir`; with a
    cache folder and at most `build_limit` sentences, every sentence is embedded now and saved.

    Without a cache folder, or with one this process cannot write, nothing is stored, so
    nothing is embedded ahead: each start would pay again.
    """
    model = similarity.model_key()
    folder = store_folder(cache_dir, seeds, model) if cache_dir is not None else None
    store = SentenceVectors(folder, model, lambda: corpus_sentences(index))
    store.load()
    count = sum(len(index.spans(p)) for p in index.passages)
    if folder is not None and count <= build_limit and store.writable():
        store.fill(corpus_sentences(index), progress)
        store.save()
    return store
