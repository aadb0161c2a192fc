"""Meaning, not just shared words: how close a question is to sentences, by a small static model.

The model is WordLlama's default (256 dimensions, MIT licence), whose weights ship inside the
`wordllama` wheel on PyPI, so nothing is downloaded at run time. A text's vector is the mean of
its tokens' vectors, as WordLlama computes it; the `wordllama` package itself is not imported,
only its two data files are read, which keeps start-up fast.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from functools import cache, lru_cache
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from safetensors.numpy import load_file
from tokenizers import Tokenizer

__all__ = ["ModelMissingError", "best_similarity", "embed", "load_model"]

_WEIGHTS = "weights/l2_supercat_256.safetensors"
_TOKENIZER = "tokenizers/l2_supercat_tokenizer_config.json"
# Sentences of the passages questions keep landing on; 1 KB each, so at most about 32 MB.
_CACHED_SENTENCES = 32_768


class ModelMissingError(RuntimeError):
    """The wordllama package, which carries the model's files, is not installed."""


@cache
def _model() -> tuple[Tokenizer, NDArray[np.float16]]:
    spec = importlib.util.find_spec("wordllama")
    locations = spec.submodule_search_locations if spec else None
    root = Path(locations[0]) if locations else None
    if root is None or not (root / _WEIGHTS).is_file() or not (root / _TOKENIZER).is_file():
        raise ModelMissingError(
            "the similarity model's files were not found; reinstall with: pip install -e ."
        )
    tokenizer = Tokenizer.from_file(str(root / _TOKENIZER))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    weights: NDArray[np.float16] = load_file(str(root / _WEIGHTS))["embedding.weight"]
    return tokenizer, weights


def load_model() -> None:
    """Load the model now (once per process), so a missing file is reported at start-up."""
    _model()


def embed(texts: Sequence[str]) -> NDArray[np.float32]:
    """Unit vectors for `texts`, one row each; a text with no tokens gets a zero row."""
    tokenizer, weights = _model()
    rows = np.zeros((len(texts), weights.shape[1]), dtype=np.float32)
    # The tokenizer takes only valid Unicode; a lone surrogate (undecodable bytes in argv)
    # would make it raise, so such characters become "?".
    valid = [text.encode("utf-8", "replace").decode("utf-8") for text in texts]
    encodings = tokenizer.encode_batch(valid, add_special_tokens=False)
    for row, encoding in zip(rows, encodings, strict=True):
        if encoding.ids:
            vector = weights[encoding.ids].astype(np.float32).mean(axis=0)
            norm = float(np.linalg.norm(vector))
            if norm:
                row[:] = vector / norm
    return rows


def best_similarity(question: str, texts: Sequence[str]) -> float:
    """The highest cosine similarity between `question` and any of `texts` (0.0 for none)."""
    if not texts:
        return 0.0
    candidates = np.stack([_vector(text) for text in texts])
    return max(0.0, float((candidates @ embed([question])[0]).max()))


@lru_cache(maxsize=_CACHED_SENTENCES)
def _vector(text: str) -> NDArray[np.float32]:
    vector: NDArray[np.float32] = embed([text])[0]
    return vector
