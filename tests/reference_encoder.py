"""A second, independent encoder of all-MiniLM-L6-v2 in plain numpy: the reference that the
ONNX graph is checked and benchmarked against (it was the bot's encoder before ONNX Runtime)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from safetensors.numpy import load_file
from tokenizers import Tokenizer

Vectors = NDArray[np.float32]
_LAYERS, _HEADS = 6, 12


class NumpyEncoder:
    """all-MiniLM-L6-v2 in numpy: one text at a time, unpadded."""

    def __init__(self, weights_path: Path, tokenizer_path: Path) -> None:
        self.tokenizer = Tokenizer.from_file(str(tokenizer_path))
        self.tokenizer.enable_truncation(256)
        self.tokenizer.no_padding()  # tokenizer.json pads to 128 tokens
        self.weights = {}
        for name, array in load_file(str(weights_path)).items():
            if array.ndim == 2 and "embeddings" not in name:
                # Dense layers are stored (out, in); (in, out) makes x @ w one contiguous GEMM.
                array = np.ascontiguousarray(array.T)
            self.weights[name] = array

    def embed(self, text: str) -> Vectors:
        """The unit vector of `text`."""
        w = self.weights
        ids = self.tokenizer.encode(text).ids
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
